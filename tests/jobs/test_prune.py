"""`prune_jobs` forgets old finished jobs with their files, and closes those a dead worker left."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from jobs.choices import JobKind, JobStatus
from jobs.models import Job
from jobs.services import JOB_TIMEOUT, file_path
from tests import factories

pytestmark = pytest.mark.django_db


def _job(status, age, **fields):
    job = Job.objects.create(
        kind=JobKind.RESOLUTION_PDF, owner=factories.user(), status=status, **fields
    )
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - age)
    return job


def test_old_finished_jobs_go_with_their_files_and_stuck_ones_are_closed():
    now = timezone.now()
    old = _job(JobStatus.DONE, timedelta(days=40), finished_at=now - timedelta(days=40))
    recent = _job(JobStatus.DONE, timedelta(days=2), finished_at=now - timedelta(days=2))
    stuck = _job(JobStatus.RUNNING, timedelta(seconds=3 * JOB_TIMEOUT))
    running = _job(JobStatus.RUNNING, timedelta(minutes=5))
    for job in (old, recent):
        path = file_path(job.pk, "pdf")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4")

    out = StringIO()
    call_command("prune_jobs", "--days", "30", stdout=out)

    assert not Job.objects.filter(pk=old.pk).exists()
    assert not file_path(old.pk, "pdf").exists()
    assert file_path(recent.pk, "pdf").exists()
    stuck.refresh_from_db()
    running.refresh_from_db()
    assert stuck.status == JobStatus.FAILED and stuck.error and stuck.finished_at
    assert running.status == JobStatus.RUNNING
    assert re.findall(r"\d+", out.getvalue()) == ["1", "1"]  # one closed, one deleted
