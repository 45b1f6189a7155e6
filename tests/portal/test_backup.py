"""bin/backup and bin/restore on PostgreSQL: a dump restored into a new database gives the same
session figures as the database it was taken from."""

import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, connections
from django.db.utils import load_backend

from reports import achievement
from reports.achievement import By, achievement_tables
from sessions_app.models import Grade
from tests.reports.test_achievement import world  # noqa: F401  (a fixture)

ROOT = Path(__file__).resolve().parents[2]

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="bin/backup and bin/restore work with pg_dump / pg_restore: PostgreSQL only "
    "(run with DATABASE_URL=postgres://...)",
)


def _url(settings_dict, name):
    user = quote(settings_dict["USER"] or "")
    password = quote(settings_dict["PASSWORD"] or "")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or "5432"
    return f"postgres://{credentials}{host}:{port}/{name}"


def _script(name, *args, database_url):
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("PORTAL_ENV_FILE", None)
    return subprocess.run(
        [str(ROOT / "bin" / name), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def restored_alias():
    """A new, empty database and a connection alias "restored" to it; dropped afterwards."""
    name = f"portal_restore_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    # A wrapper made here, not an entry of settings.DATABASES: Django's test case allows such a
    # dynamically created connection, and no other test can see it.
    backend = load_backend(connection.settings_dict["ENGINE"])
    connections["restored"] = backend.DatabaseWrapper(
        {**connection.settings_dict, "NAME": name}, alias="restored"
    )
    try:
        yield name
    finally:
        connections["restored"].close()
        del connections["restored"]
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _figures(session):
    return {
        by: achievement_tables(session, by=by)
        for by in (By.UNIVERSITY, By.FORM, By.FACULTY, By.PROGRAM, By.GROUP)
    }


@needs_postgresql
# Committed, so that pg_dump (another connection) sees the data; the roles the migrations made
# come back afterwards.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restored_dump_gives_the_same_session_figures(
    world,  # noqa: F811
    restored_alias,
    tmp_path,
    monkeypatch,
):
    session = world["session"]
    original = _figures(session)
    contingent = sum(r.contingent for rows in original[By.UNIVERSITY].values() for r in rows)
    assert contingent > 0 and Grade.objects.exists()  # a world with something to lose

    dump = tmp_path / "portal.dump"
    made = _script(
        "backup",
        "--output",
        str(dump),
        database_url=_url(connection.settings_dict, connection.settings_dict["NAME"]),
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == str(dump) and dump.stat().st_size > 0
    assert not Path(f"{dump}.partial").exists()

    restored = _script(
        "restore",
        "--yes",
        str(dump),
        database_url=_url(connection.settings_dict, restored_alias),
    )
    assert restored.returncode == 0, restored.stderr

    # The same report function, reading the restored database.
    monkeypatch.setattr(achievement.router, "db_for_read", lambda *args, **kwargs: "restored")
    assert connections["restored"].settings_dict["NAME"] == restored_alias
    assert Grade.objects.using("restored").count() == Grade.objects.count()
    assert _figures(session) == original


def test_the_scripts_refuse_what_is_not_postgresql(tmp_path):
    made = _script("backup", database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert made.returncode == 2 and "postgres://" in made.stderr
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"")
    restored = _script("restore", "--yes", str(dump), database_url="sqlite:///x")
    assert restored.returncode == 2
