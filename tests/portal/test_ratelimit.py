"""The rate limits' counters (portal/ratelimit.py) are shared by every gunicorn worker: in Redis
with REDIS_URL, in a database table without it; never in one process's memory."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Not the portal's own database number: the tests empty it.
LIMITS_REDIS_URL = os.environ.get("PORTAL_TEST_LIMITS_REDIS_URL", "redis://127.0.0.1:6379/3")

# One "worker": counts `hits` requests of one client against a limit of 20 a minute, and prints
# how many of them were over it. The clock stands still, so that both workers count in one minute.
WORKER = """
import sys
import django
django.setup()
from django.core.cache import caches
from django.test import RequestFactory
from portal import ratelimit
ratelimit.now = lambda: 60 * 29_000_000 + 1.0
request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
print(caches["limits"].__class__.__name__)
print(sum(ratelimit.over_limit(request, "test", 20, 60) for _ in range(int(sys.argv[1]))))
"""


def _worker(env, hits):
    result = subprocess.run(
        [sys.executable, "-c", WORKER, str(hits)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    backend, over = result.stdout.split()
    return backend, int(over)


def _env(tmp_path, **extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "PORTAL_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        PORTAL_SECURITY_LOG=str(tmp_path / "security.log"),
        **extra,
    )
    return env


@pytest.fixture
def redis_db():
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(LIMITS_REDIS_URL)
    try:
        connection.ping()
    except RedisError as error:
        pytest.fail(f"The rate limit's tests need a Redis server at {LIMITS_REDIS_URL} ({error}).")
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


def test_without_redis_two_workers_count_one_limit_in_the_database(tmp_path):
    env = _env(tmp_path)
    created = subprocess.run(
        [sys.executable, "manage.py", "createcachetable"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert created.returncode == 0, created.stderr
    assert _worker(env, 15) == ("DatabaseCache", 0)
    # The second worker's sixth request is the client's 21st.
    assert _worker(env, 6) == ("DatabaseCache", 1)


def test_with_redis_two_workers_count_one_limit_in_redis(tmp_path, redis_db):
    env = _env(tmp_path, REDIS_URL=LIMITS_REDIS_URL)
    assert _worker(env, 15) == ("RedisCache", 0)
    assert _worker(env, 6) == ("RedisCache", 1)
    assert redis_db.keys("portal-limits:*")
