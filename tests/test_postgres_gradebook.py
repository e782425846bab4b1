"""nbgrader's gradebook on a real PostgreSQL server (see tests/postgres.py)."""

from __future__ import annotations

import os

import pytest
from nbgrader.api import Gradebook
from sqlalchemy import create_engine, text

from backprop_course.nbgrader_glue.apps import BIN_DIR

from .support.backprop import ASSIGNMENT
from .support.postgres import create_database, postgres_url  # noqa: F401

pytestmark = pytest.mark.slow  # starts a PostgreSQL server (initdb): seconds


def test_the_server_stores_rows_and_listens_on_no_tcp_port(postgres_url):  # noqa: F811
    engine = create_engine(create_database(postgres_url, "probe"))
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE probe (id integer PRIMARY KEY, name text NOT NULL)"))
            connection.execute(text("INSERT INTO probe VALUES (1, 'backprop'), (2, 'gradient')"))
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, name FROM probe ORDER BY id")).all()
            version = connection.execute(text("SELECT version()")).scalar_one()
            listen_addresses = connection.execute(text("SHOW listen_addresses")).scalar_one()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [(1, "backprop"), (2, "gradient")]
    assert version.startswith("PostgreSQL ")
    assert listen_addresses == ""


def test_nbgrader_gradebook_keeps_students_and_assignments(postgres_url, monkeypatch):  # noqa: F811
    # A new gradebook stamps its schema version by running `alembic`, looked up on PATH.
    monkeypatch.setenv("PATH", f"{BIN_DIR}{os.pathsep}{os.environ.get('PATH', '')}")
    url = create_database(postgres_url, "nbgrader")
    with Gradebook(url) as gradebook:
        gradebook.add_student("ada", first_name="Ada", last_name="Lovelace")
        gradebook.add_assignment(ASSIGNMENT)

    with Gradebook(url) as gradebook:
        assert [student.id for student in gradebook.students] == ["ada"]
        assert gradebook.find_student("ada").last_name == "Lovelace"
        assert [assignment.name for assignment in gradebook.assignments] == [ASSIGNMENT]

    engine = create_engine(url)  # the rows are in PostgreSQL's tables, read without nbgrader
    try:
        with engine.connect() as connection:
            students = connection.execute(text("SELECT id FROM student")).scalars().all()
            stamped = connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()
    assert students == ["ada"]
    assert stamped == 1
