"""Databases for the store tests: a SQLite file, and a real PostgreSQL server for the session.

The server is started from the Debian binaries (``/usr/lib/postgresql/*/bin``)
in a temporary folder on a free port on 127.0.0.1. PostgreSQL refuses to run as
root, so as root it runs as the ``postgres`` system user (else ``nobody``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    pytest.skip("PostgreSQL kan ikke køre som root, og der er ingen postgres- eller nobody-bruger")


def _demote(user: pwd.struct_passwd | None) -> Callable[[], None] | None:
    if user is None:
        return None

    def switch() -> None:
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)

    return switch


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server for this session; yields the URL of its 'postgres' database."""
    import psycopg

    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL-programmerne mangler (/usr/lib/postgresql/*/bin); kør 'make test'")
    user = _run_as()
    root = Path(tempfile.mkdtemp(prefix="telefonspor-pg-"))
    data = root / "data"
    if user is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
    env = {**os.environ, "LC_ALL": "C.UTF-8", "HOME": str(root)}
    subprocess.run(
        [bin_dir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
        preexec_fn=_demote(user),
        env=env,
        cwd=root,
    )
    port = _free_port()
    log_file = (root / "server.log").open("wb")
    server = subprocess.Popen(
        [
            bin_dir / "postgres",
            "-D",
            data,
            "-p",
            str(port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            f"unix_socket_directories={root}",
            "-c",
            "fsync=off",
        ],
        stdout=subprocess.DEVNULL,
        stderr=log_file,
        preexec_fn=_demote(user),
        env=env,
        cwd=root,
    )
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    try:
        for _ in range(300):  # readiness poll, not a timing assert
            if server.poll() is not None:
                log = (root / "server.log").read_text(errors="replace")
                pytest.fail(f"PostgreSQL stoppede under opstart:\n{log}")
            try:
                psycopg.connect(f"host=127.0.0.1 port={port} user=postgres dbname=postgres").close()
                break
            except psycopg.OperationalError:
                time.sleep(0.1)
        else:
            pytest.fail("PostgreSQL svarede ikke")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log_file.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, empty database on the session's server, its phone-hash key in the environment
    (PostgreSQL has no file to keep the key next to; see store.key_env)."""
    import psycopg

    from telefonspor.store.key import DEFAULT_ENV, new_key

    monkeypatch.setenv(DEFAULT_ENV, new_key())

    name = f"t_{uuid.uuid4().hex[:12]}"
    dsn = postgres_server
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield postgres_server.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'historik' / 'telefonspor.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Every store test runs on SQLite and on the real PostgreSQL server."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))
