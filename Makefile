# The two commands a fresh machine needs: `make demo` and `make test`.
VENV := .venv
PYTHON ?= python3
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: demo test test-fast lint notebooks install browser sandbox sandbox-tools postgres-tools hub-users hub-proxy hub-demo

$(VENV)/.installed: pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# bubblewrap first: without it nothing else is set up or run, and one line says what to do.
demo: sandbox $(VENV)/.installed
	backprop-course demo

# Three workers on the two cores (much of a test's time is a kernel, a server or a browser waiting),
# each taking a whole module at a time (its shared fixtures built once), the costliest modules
# first (tests/support/schedule.py), so that they end close together.
test: $(VENV)/.installed browser sandbox-tools postgres-tools hub-users hub-proxy
	lint-imports
	python -m pytest -n 3 --dist loadscope --no-loadscope-reorder

# The tests not marked slow, test by test on two workers: a quick check while working.
test-fast: $(VENV)/.installed
	python -m pytest -m "not slow" -n 2 --dist load

# Headless Chromium for the formgrader test, from Debian. Never fails the build: without a
# browser that test skips and says why.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium and chromium-driver with apt-get"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
			|| echo "could not install chromium; the formgrader test will be skipped"; \
	else echo "no /usr/bin/chromium and not root: the formgrader test will be skipped"; fi

# bubblewrap for the sandboxed kernel, from Debian, installed with apt-get when root. `sandbox`
# stops with one line where it cannot be had (grading needs it); `sandbox-tools` never fails the
# build (without it the sandbox tests skip and say why).
sandbox:
	@if command -v bwrap >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing bubblewrap with apt-get"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null) \
			|| { echo "grading needs bubblewrap (bwrap) and apt-get could not install it: install the package bubblewrap, then try again"; exit 1; }; \
	else echo "grading needs bubblewrap (bwrap), which is not installed: run \`sudo apt-get install bubblewrap\` (Debian/Ubuntu) or install your system's package, then try again"; exit 1; fi

sandbox-tools:
	@$(MAKE) --no-print-directory sandbox || echo "without bubblewrap the sandbox tests will be skipped"

# PostgreSQL's server programs for the gradebook-on-PostgreSQL tests, from Debian, which puts them in
# /usr/lib/postgresql/<version>/bin, off PATH; tests/support/postgres.py looks there too. Never fails
# the build: without them those tests skip and say why.
postgres-tools:
	@if command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing postgresql with apt-get"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
			|| echo "could not install postgresql; the PostgreSQL gradebook tests will be skipped"; \
	else echo "no initdb and not root: install postgresql, or the PostgreSQL gradebook tests will be skipped"; fi

lint: $(VENV)/.installed
	ruff check .

# Regenerate source/ from each assignment's lessons, release/ and solutions/ from source/, the samples from release/,
# and docs/mistakes.md from the catalog: only what changed, in one process (commands/build.py).
notebooks: $(VENV)/.installed
	backprop-course build

# The course's JupyterHub on this host (src/backprop_course/commands/hub/, tests/test_hub.py).
# hub-users: its Unix users (bpc-instructor, bpc-ta, bpc-s1..3) and their passwords, made when root
# (idempotent; never removed). hub-proxy: JupyterHub's proxy from npm into .hub/. Neither fails the
# build: without them the hub test skips and says why.
HUB := .hub
HUB_PROXY := $(HUB)/node_modules/.bin/configurable-http-proxy

hub-users:
	@$(PYTHON) src/backprop_course/commands/hub/users.py

hub-proxy:
	@if [ -x $(HUB_PROXY) ]; then :; \
	elif command -v npm >/dev/null; then \
		echo "installing configurable-http-proxy with npm into $(HUB)/"; \
		npm install --prefix $(HUB) --no-audit --no-fund --loglevel=error configurable-http-proxy >/dev/null \
			|| echo "could not install configurable-http-proxy; the hub test will be skipped"; \
	else echo "no npm: install nodejs and npm, or the hub test will be skipped"; fi

# The hub for an instructor to try, at http://127.0.0.1:8000/ until Ctrl-C. Its users' servers run
# from a venv of the system's Python that every user can read, with the package and jupyterhub.
hub-demo: sandbox hub-users hub-proxy
	test -x $(HUB)/venv/bin/python || /usr/bin/python3 -m venv $(HUB)/venv
	$(HUB)/venv/bin/python -m pip install --quiet ".[hub]"
	$(HUB)/venv/bin/python -m backprop_course.commands.hub.demo --proxy $(HUB_PROXY)
