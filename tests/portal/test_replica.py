"""With a read replica (DATABASE_REPLICA_URL), the report and dashboard pages read from it and
everything that writes goes to the primary; without one, all goes to the primary."""

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academics import roles
from portal.routers import REPLICA, ReplicaRouter, reading_reports
from sessions_app import services
from sessions_app.choices import Attempt
from sessions_app.models import Grade
from tests import factories
from tests.reports.test_dashboard import sat_exam
from tests.reports.test_session_report_views import client_for

ROUTER = ReplicaRouter()


def test_without_a_replica_everything_is_the_primary(monkeypatch):
    monkeypatch.setattr("portal.routers.has_replica", lambda: False)
    with reading_reports():
        assert ROUTER.db_for_read(Grade) == "default"
    assert ROUTER.db_for_write(Grade) == "default"


def test_with_a_replica_only_report_reads_go_to_it(monkeypatch):
    monkeypatch.setattr("portal.routers.has_replica", lambda: True)
    assert ROUTER.db_for_read(Grade) == "default"
    with reading_reports():
        assert ROUTER.db_for_read(Grade) == REPLICA
        assert ROUTER.db_for_write(Grade) == "default"
    assert ROUTER.db_for_read(Grade) == "default"
    assert ROUTER.allow_migrate(REPLICA, "sessions_app") is False
    assert ROUTER.allow_migrate("default", "sessions_app") is True


needs_replica = pytest.mark.skipif(
    REPLICA not in settings.DATABASES,
    reason="needs DATABASE_REPLICA_URL (bin/test runs this file once more with one)",
)


def _sql(queries):
    return " ".join(q["sql"] for q in queries.captured_queries)


# Committed data, which the replica's own connection sees (the roles are rows of a migration:
# serialized_rollback restores them after the flush).
@needs_replica
@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", REPLICA])
def test_the_pages_read_the_replica_and_saves_write_the_primary():
    faculty, group = sat_exam(factories.exam_session(), "ЭЭ-1-23", ["5", "4", "2"])
    rector = client_for(factories.user(role=roles.VICE_RECTOR))
    for url in (reverse("reports:dashboard"), reverse("reports:session_report")):
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections[REPLICA]) as replica,
        ):
            assert rector.get(url).status_code == 200
        assert "sessions_app_studentoutcome" in _sql(replica), url
        assert "sessions_app_studentoutcome" not in _sql(primary), url

    dean = factories.user(role=roles.DEAN_OFFICE, faculty=faculty)
    exam = factories.assessment(session=factories.exam_session(), group=group)
    sheet = services.open_sheet(exam, Attempt.MAIN)
    student = group.students.first()
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        services.record_grades(sheet, {student.pk: "5"}, dean, version=sheet.version)
    assert 'INSERT INTO "sessions_app_grade"' in _sql(primary)
    assert _sql(replica) == ""
