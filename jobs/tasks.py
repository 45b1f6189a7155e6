"""Running a job: the worker's entry point (execute), the task of each kind, and progress."""

import logging
import time

from django.conf import settings
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .choices import JobKind, JobStage, JobStatus
from .models import Job
from .services import JobFailed

logger = logging.getLogger(__name__)

# Each kind's task: task(job, progress) -> the result to keep (JSON); JobFailed if it failed.
TASKS = {
    JobKind.RESULTS_IMPORT: "sessions_app.jobs.import_results",
    JobKind.RESOLUTION_PDF: "reports.resolutions.jobs.resolution_pdf",
}

# The progress page asks every second; the row is written at most this often (seconds).
PROGRESS_INTERVAL = 0.5


class Progress:
    """The callback a task reports through: progress(stage, done, total). Writes the Job row
    when the stage changes, else at most every PROGRESS_INTERVAL seconds."""

    def __init__(self, job):
        self.job_id = job.pk
        self.stage = None
        self.written_at = 0.0

    def __call__(self, stage, done=0, total=0):
        now = time.monotonic()
        if stage == self.stage and now - self.written_at < PROGRESS_INTERVAL:
            return
        self.stage, self.written_at = stage, now
        self.write(stage, done, total)

    def write(self, stage, done, total):
        Job.objects.filter(pk=self.job_id).update(stage=stage, done=done, total=total)


def execute(job_id):
    """What the worker runs (by its dotted path, so that only the id goes through Redis)."""
    job = Job.objects.select_related("owner").filter(pk=job_id).first()
    if job is None:
        logger.warning("Job %s no longer exists", job_id)
        return None
    run_job(job)
    return job.status


def run_job(job):
    """Run `job` now, in this process, and leave its row done or failed."""
    # Only a queued job starts: a job enqueued twice, or re-run from RQ's registry, does not
    # import its file twice.
    started = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, stage=JobStage.START, started_at=timezone.now()
    )
    if not started:
        return
    task = import_string(TASKS[job.kind])
    update = {"stage": JobStage.FINISHED, "finished_at": timezone.now()}
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            result = task(job, Progress(job))
        except JobFailed as failure:
            update.update(status=JobStatus.FAILED, error=failure.message, result=failure.result)
        except Exception as error:  # the row must not stay "running" whatever went wrong
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            update.update(
                status=JobStatus.FAILED,
                error=_("The job stopped on an unexpected error: %(error)s")
                % {"error": f"{type(error).__name__}: {error}"},
            )
        else:
            update.update(status=JobStatus.DONE, result=result)
    update["finished_at"] = timezone.now()
    Job.objects.filter(pk=job.pk).update(**update)
    for name, value in update.items():
        setattr(job, name, value)
