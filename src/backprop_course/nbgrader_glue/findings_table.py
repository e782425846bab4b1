"""The gradebook's table of findings (grading/behaviour.py), beside nbgrader's own tables: a row
per graded function of each graded notebook of each submission, written by whichever writes the
grades (nbgrader's Autograde through SaveFindings, or the bulk writer of `backprop-course
autograde`), in the same gradebook, SQLite or PostgreSQL.

A submission's rows are kept by its timestamp: grading the same submission again replaces them,
a later submission adds its own, so that the report can tell who fixed a mistake later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, create_engine, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from ..grading.behaviour import Finding

FINDINGS = Table(
    "backprop_course_finding", MetaData(),
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assignment", String(128), nullable=False),
    Column("student", String(128), nullable=False),
    Column("notebook", String(128), nullable=False),
    Column("submitted", String(64), nullable=False),  # the submission's timestamp, "" when it has none
    Column("function", String(256), nullable=False),
    Column("mistakes", Text, nullable=False),  # a JSON list of ids
    Column("fingerprint", String(32)),  # the rest: the behaviour, where recorded
    Column("signature", Text),
    Column("results", Text),
    Index("backprop_course_finding_submission", "assignment", "student", "notebook", "submitted"),
)

_made: set[str] = set()  # the gradebooks (URLs) this process has made sure have the table


def ensure_table(engine: Engine) -> None:
    """Create the table in the gradebook where it is missing."""
    url = engine.url.render_as_string(hide_password=False)
    if url not in _made:
        FINDINGS.create(engine, checkfirst=True)
        _made.add(url)


def submitted_key(timestamp: datetime | None) -> str:
    """A submission's timestamp as the table keeps it: UTC, without a zone (as the gradebook reads it back)."""
    if timestamp is None:
        return ""
    if timestamp.tzinfo is not None:
        timestamp = timestamp.astimezone(UTC).replace(tzinfo=None)
    return timestamp.isoformat(sep=" ")


def write_findings(db: Session, assignment: str, student: str, notebook: str, submitted: str,
                   records: list[dict]) -> None:
    """Replace the rows of one graded notebook of one submission, in db's transaction."""
    db.execute(FINDINGS.delete().where(FINDINGS.c.assignment == assignment, FINDINGS.c.student == student,
                                       FINDINGS.c.notebook == notebook, FINDINGS.c.submitted == submitted))
    rows = [{"assignment": assignment, "student": student, "notebook": notebook, "submitted": submitted,
             "function": record["function"], "mistakes": json.dumps(record["mistakes"]),
             "fingerprint": record.get("fingerprint"), "signature": record.get("signature"),
             "results": record.get("results")} for record in records]
    if rows:
        db.execute(FINDINGS.insert(), rows)


@dataclass(frozen=True)
class FindingRow:
    """One stored finding, with the submission it is of."""

    student: str
    notebook: str
    submitted: str
    finding: Finding


def read_findings(db_url: str, assignment: str) -> list[FindingRow]:
    """Every finding stored for assignment, oldest submission first (none where grading never
    recorded any)."""
    engine = create_engine(db_url, poolclass=NullPool)
    try:
        if not inspect(engine).has_table(FINDINGS.name):
            return []
        with engine.connect() as connection:
            rows = connection.execute(select(FINDINGS).where(FINDINGS.c.assignment == assignment)
                                      .order_by(FINDINGS.c.submitted, FINDINGS.c.id)).mappings().all()
    finally:
        engine.dispose()
    return [FindingRow(row["student"], row["notebook"], row["submitted"],
                       Finding.from_record({**row, "mistakes": json.loads(row["mistakes"])})) for row in rows]
