"""Starting background jobs: queued on django-rq with REDIS_URL set, else run in the request.

Either way the Job row is created first and is what the progress page reads; the task function
(jobs.tasks.TASKS) gets the row and a progress callback, and returns the result to keep.
"""

import logging
from pathlib import Path

import django_rq
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from redis import Redis

from .choices import JobStage, JobStatus
from .models import Job

logger = logging.getLogger(__name__)

# A 100 000-row import takes about a minute; a worker kills a job after this many seconds.
JOB_TIMEOUT = 60 * 60
# RQ's own record of a job (the Job row is the one the portal reads) is kept this long.
RESULT_TTL = 24 * 3600
FAILURE_TTL = 7 * 24 * 3600


class JobFailed(Exception):
    """Raised by a task whose work could not be done; `result` is still kept for the page."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.message = str(message)
        self.result = result


def file_path(job_id, extension):
    """Where a job that makes a file keeps it: MEDIA_ROOT/jobs/<id>.<extension>."""
    return Path(settings.MEDIA_ROOT) / "jobs" / f"{job_id}.{extension}"


def queued():
    """Whether jobs go to a worker (REDIS_URL is set) rather than run in the request."""
    return bool(settings.REDIS_URL)


def queue():
    """The "default" django-rq queue on REDIS_URL (read at each call, so tests may change it)."""
    return django_rq.get_queue(
        "default",
        connection=Redis.from_url(settings.REDIS_URL),
        commit_mode="auto",  # run() enqueues only once the Job row is committed
    )


def run(kind, owner, **params):
    """Create the Job of `kind` for `owner` and run it: enqueued, or now. Returns the Job."""
    job = Job.objects.create(
        kind=kind,
        owner=owner,
        params=params,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    if queued():
        # The worker must find the row: enqueue once it is committed (at once in autocommit).
        transaction.on_commit(lambda: _enqueue(job))
    else:
        # jobs.tasks imports this module (JobFailed): run_job is found when a job runs here.
        from .tasks import run_job

        run_job(job)
        job.refresh_from_db()
    return job


def _enqueue(job):
    try:
        rq_job = queue().enqueue(
            "jobs.tasks.execute",
            job.pk,
            job_timeout=JOB_TIMEOUT,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
            description=f"{job.kind} #{job.pk}",
        )
    except Exception:
        logger.exception("Job %s could not be queued on %s", job.pk, settings.REDIS_URL)
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = _(
                "The job could not be queued: the job queue (Redis) does not answer. Try again "
                "later, or tell the administrator."
            )
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            stage=JobStage.FINISHED,
            error=message,
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
        return
    Job.objects.filter(pk=job.pk).update(rq_id=rq_job.id)
    job.rq_id = rq_job.id
