"""What the job tests share: uploads under a temporary MEDIA_ROOT, English pages, and the Redis
server of the queued path (a test-only database number, emptied before and after each test)."""

import os

import pytest
from django.test import Client

# Not the portal's own database number: the tests empty it.
TEST_REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def inline_jobs(settings):
    """By default no REDIS_URL: jobs run in the request, as on a machine without Redis."""
    settings.REDIS_URL = ""


@pytest.fixture
def redis(settings):
    """REDIS_URL set to the test Redis; a missing server fails the test (CI has one)."""
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(TEST_REDIS_URL)
    try:
        connection.ping()
    except RedisError as error:
        pytest.fail(
            f"The queued-job tests need a Redis server at {TEST_REDIS_URL} ({error}). Start "
            "redis-server, or point PORTAL_TEST_REDIS_URL at one."
        )
    connection.flushdb()
    settings.REDIS_URL = TEST_REDIS_URL
    settings.RQ_QUEUES = {"default": {"URL": TEST_REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    yield connection
    connection.flushdb()
    connection.close()


def work_off(connection):
    """Run every queued job here, in the test's process (its database rows are visible)."""
    from rq import SimpleWorker

    from jobs.services import queue

    default = queue()
    return SimpleWorker([default], connection=connection).work(burst=True)


def client_for(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = language
    return client
