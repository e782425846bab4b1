"""A JupyterHub for the course on one host: its Unix users, its folders and configuration, and the
hub's process (`make hub-users`, `make hub-demo`, tests/test_hub.py)."""
