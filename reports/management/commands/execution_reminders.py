"""`manage.py execution_reminders`: the daily e-mail to each person who reports on items of the
council's resolution due within 14 days or overdue (reports.execution.reminders).

    manage.py execution_reminders [--date YYYY-MM-DD] [--dry-run]

Run it daily (cron, a systemd timer); a second run on the same day sends only what the first did
not (an item that became due since, a digest whose sending failed).
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.execution import reminders


def _day(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("--date: %(value)s is not a date (YYYY-MM-DD).") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = (
        "E-mail each person who reports on items of the council's resolution due within 14 days "
        "or overdue one digest of them, once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="the day to remind for, YYYY-MM-DD (default: today in TIME_ZONE)"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="list who would get which items; send and record nothing",
        )

    def handle(self, *args, **options):
        today = _day(options["date"]) if options["date"] else timezone.localdate()
        dry_run = options["dry_run"]
        try:
            outcome = reminders.send_reminders(today, dry_run=dry_run)
        except OSError as error:
            # The mail server could not be reached at all: nothing was sent or recorded.
            raise CommandError(f"{settings.EMAIL_BACKEND}: {error}") from None
        with translation.override(settings.LANGUAGE_CODE):
            self.report(outcome, dry_run, options["verbosity"])

    def report(self, outcome, dry_run, verbosity):
        if dry_run and outcome.sent and verbosity > 0:
            for digest in outcome.sent:
                numbers = ", ".join(str(item.assignment.number) for item in digest.items)
                self.stdout.write(f"{digest.user.email}: {numbers}")
        counts = {"emails": len(outcome.sent), "items": outcome.items_sent}
        if dry_run:
            line = _("Dry run, nothing sent: e-mails to send: %(emails)s, items: %(items)s.")
        else:
            line = _("E-mails sent: %(emails)s, items: %(items)s.")
        self.stdout.write(line % counts)
        if outcome.failed:
            raise CommandError(
                _("E-mails not sent: %(count)s; the next run tries them again.")
                % {"count": len(outcome.failed)}
            )
