"""`manage.py prune_jobs`: forget finished background jobs after a while, and close the ones a
dead worker left running. Run it daily (deploy/ has the worker; a cron line or timer does this)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.choices import FINISHED, JobStatus
from jobs.models import Job
from jobs.services import JOB_TIMEOUT, file_path


class Command(BaseCommand):
    # argparse needs a plain string here; like Django's own commands, the help is not translated.
    help = (
        "Delete finished background jobs older than --days (and the files they made), and mark "
        "failed the jobs still 'running' or 'waiting' long after any job could have ended (a "
        "worker that was killed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, **options):
        now = timezone.now()
        stuck = Job.objects.exclude(status__in=FINISHED).filter(
            created_at__lt=now - timedelta(seconds=2 * JOB_TIMEOUT)
        )
        closed = stuck.update(
            status=JobStatus.FAILED,
            finished_at=now,
            error=_("The job did not finish: its worker stopped. Start it again."),
        )
        old = Job.objects.filter(
            status__in=FINISHED, finished_at__lt=now - timedelta(days=options["days"])
        )
        removed = 0
        for job in old.only("pk"):
            for extension in ("pdf", "xlsx"):
                file_path(job.pk, extension).unlink(missing_ok=True)
            removed += 1
        old.delete()
        self.stdout.write(
            _("Jobs marked failed: %(closed)s; finished jobs deleted: %(removed)s.")
            % {"closed": closed, "removed": removed}
        )
