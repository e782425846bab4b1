"""A private, throwaway PostgreSQL server for tests, reachable only through a Unix socket."""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import URL, create_engine, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

NOBODY = 65534  # PostgreSQL refuses to run as root; as root we run it as nobody:nogroup
SUPERUSER = "postgres"
DATABASE = "gradebook"
PORT = 5432  # only names the socket file (.s.PGSQL.5432): the server listens on no TCP port
MAX_SOCKET_PATH = 107  # PostgreSQL's limit on the length of a Unix socket path
START_TIMEOUT = 30  # seconds


class PostgresError(RuntimeError):
    """The test server could not be set up; the message says why."""


def _version(bin_dir: Path) -> int:
    return int(bin_dir.parent.name) if bin_dir.parent.name.isdigit() else 0


def _bin_dir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres: initdb's on PATH, else Debian's newest."""
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version, reverse=True)
    for bin_dir in candidates:
        if all(os.access(bin_dir / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "postgres")):
            return bin_dir
    return None


def postgres_problem() -> str | None:
    """Why no PostgreSQL server can be started here, or None when one can."""
    if _bin_dir() is None:
        return (
            "no PostgreSQL server programs (initdb, pg_ctl, postgres) on PATH or under "
            "/usr/lib/postgresql/*/bin: run `make postgres-tools` or install Debian's postgresql"
        )
    if importlib.util.find_spec("psycopg") is None:
        return "the PostgreSQL driver psycopg (3) is not installed: pip install -e '.[dev]'"
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return "running as root without setpriv, so PostgreSQL (which refuses root) cannot run as nobody"
    return None


def _as_server_user(command: list[str | Path]) -> list[str]:
    command = [str(part) for part in command]
    if os.geteuid() != 0:
        return command
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]


def _url(sockets: Path, database: str) -> str:
    # The port is given so that a PGPORT in the environment cannot pick another socket name.
    url = URL.create(
        "postgresql", username=SUPERUSER, port=PORT, database=database, query={"host": str(sockets)}
    )
    return url.render_as_string(hide_password=False)


def create_database(url: str, name: str) -> str:
    """Create the database NAME on the server URL points at, and return NAME's URL."""
    server = make_url(url)
    engine = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def use_new_database(course_root: Path, server_url: str, name: str) -> str:
    """Create the database NAME on the server and make it the gradebook of the course at
    course_root (a line at the end of its nbgrader_config.py); NAME's URL."""
    url = create_database(server_url, name)
    with open(Path(course_root) / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.CourseDirectory.db_url = {url!r}\n")
    return url


def _wait_until_ready(server: subprocess.Popen, url: str, log: Path) -> None:
    engine = create_engine(url, poolclass=NullPool)
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            if server.poll() is not None:
                raise PostgresError(f"postgres exited with {server.returncode}:\n{log.read_text()}")
            try:
                with engine.connect():
                    return
            except OperationalError as error:
                if time.monotonic() > deadline:
                    raise PostgresError(f"postgres accepted no connection in {START_TIMEOUT}s: {error}") from error
                time.sleep(0.05)
    finally:
        engine.dispose()


def _stop(server: subprocess.Popen, bin_dir: Path, data: Path) -> None:
    """Stop the server with pg_ctl (fast: roll back open sessions), and kill it if that fails."""
    stop = [bin_dir / "pg_ctl", "stop", "-D", data, "-m", "fast", "-w", "-t", str(START_TIMEOUT)]
    stopped = subprocess.run(_as_server_user(stop), cwd=data.parent, capture_output=True).returncode == 0
    if not stopped and server.poll() is None:
        os.killpg(server.pid, signal.SIGKILL)  # the postmaster and its backends, in their own session
    server.wait()


@contextmanager
def running_postgres(base_dir: Path, durable: bool = False) -> Iterator[str]:
    """Run a fresh server in BASE_DIR (an empty directory) and yield the SQLAlchemy URL of a new database.

    The server listens only on a Unix socket in BASE_DIR/sockets, with trust authentication, so no
    port can clash and nothing outside can reach it. As root, BASE_DIR is handed to nobody, who runs
    the server, so BASE_DIR's parents must let nobody through: a directory made in /tmp does,
    pytest's tmp_path (under a 0700 directory) does not. Unless durable (for benchmarks), it does
    not fsync: the tests need no crash safety, and it is faster.
    """
    problem = postgres_problem()
    if problem is not None:
        raise PostgresError(problem)
    bin_dir = _bin_dir()
    data, sockets, log = base_dir / "data", base_dir / "sockets", base_dir / "server.log"
    if len(f"{sockets}/.s.PGSQL.{PORT}") > MAX_SOCKET_PATH:
        raise PostgresError(f"{base_dir} is too long a path for a Unix socket; use a shorter one")
    sockets.mkdir()
    if os.geteuid() == 0:
        for path in (base_dir, sockets):
            os.chown(path, NOBODY, NOBODY)

    initdb = [bin_dir / "initdb", "-D", data, "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-locale", "-N"]
    done = subprocess.run(_as_server_user(initdb), cwd=base_dir, capture_output=True, text=True)
    if done.returncode != 0:
        hint = f"\n(as root, the server runs as nobody, who must reach {base_dir})" if os.geteuid() == 0 else ""
        raise PostgresError(f"initdb exited with {done.returncode}:\n{done.stdout}{done.stderr}{hint}")

    settings = {"listen_addresses": "", "unix_socket_directories": sockets, "port": PORT,
                "fsync": "on" if durable else "off"}
    options = [part for name, value in settings.items() for part in ("-c", f"{name}={value}")]
    with log.open("w") as log_file:
        server = subprocess.Popen(
            _as_server_user([bin_dir / "postgres", "-D", data, *options]),
            cwd=base_dir,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_ready(server, _url(sockets, "postgres"), log)
        yield create_database(_url(sockets, "postgres"), DATABASE)
    finally:
        _stop(server, bin_dir, data)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a database on a private PostgreSQL server, one for the session; skips where none can run.

    Tests that need an empty database of their own make one with create_database(postgres_url, name).
    """
    problem = postgres_problem()
    if problem is not None:
        pytest.skip(problem)
    # In /tmp rather than tmp_path: short enough for the socket path, and reachable by nobody.
    with tempfile.TemporaryDirectory(prefix="pg-") as base_dir, ExitStack() as stack:
        try:
            url = stack.enter_context(running_postgres(Path(base_dir)))
        except PostgresError as error:
            pytest.skip(f"PostgreSQL did not start: {error}")
        yield url
