"""The reminders of the council's resolution's items: each person's items due within 14 days or
overdue (services.due_for), shown on their home page and sent once a day as one e-mail, a digest
(`manage.py execution_reminders`).

An item goes to a person at most once a day: a ReminderSent row (unique person, item, day) is
written in the same transaction as the e-mail is sent, before sending, and rolled back if sending
fails, so a failure records nothing (the next run retries) and two overlapping runs cannot both
send it (the second one's insert meets the first one's row). An e-mail sent whose transaction
then fails to commit is sent again by the next run: at least once, never lost.
"""

import logging
from contextlib import suppress
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import services
from .models import OVERDUE, Assignment, ReminderSent, Responsible

logger = logging.getLogger(__name__)


class NotSent(Exception):
    """The backend took the message but says it sent none (e.g. SMTP with no connection)."""


@dataclass(frozen=True)
class DueItem:
    """An item on someone's reminder list, with what its deadline says today."""

    assignment: Assignment
    today: object

    @property
    def overdue(self):
        return self.assignment.shown_status(self.today) == OVERDUE

    @property
    def days(self):
        """Days left until the deadline, or days past it when overdue."""
        return abs((self.assignment.deadline - self.today).days)

    @property
    def when(self):
        """ "overdue by 3 days", "due today", "5 days left", in the active language (the page's
        or the e-mail's)."""
        if self.overdue:
            return ngettext("overdue by %(days)s day", "overdue by %(days)s days", self.days) % {
                "days": self.days
            }
        if self.days == 0:
            return _("due today")
        return ngettext("%(days)s day left", "%(days)s days left", self.days) % {"days": self.days}

    @property
    def path(self):
        return reverse("execution:item", args=[self.assignment.pk])

    @property
    def link(self):
        return settings.PORTAL_URL + self.path


def due_items(user, today):
    """The items `user` reports on that are due within 14 days or overdue, most urgent first."""
    if not user.is_authenticated:
        return []
    return [DueItem(assignment, today) for assignment in services.due_for(user, today)]


@dataclass
class Digest:
    user: object
    items: list


@dataclass
class Outcome:
    """What a run did: the digests sent (on a dry run, those it would send) and those whose
    sending failed (nothing recorded)."""

    sent: list = field(default_factory=list)
    failed: list = field(default_factory=list)

    @property
    def items_sent(self):
        return sum(len(digest.items) for digest in self.sent)


def recipients(today):
    """The active people with an e-mail address who report on a part not yet done of an open item
    due within 14 days or overdue."""
    due = Assignment.objects.filter(services.open_q(today, services.REMIND_WITHIN_DAYS))
    parts = Responsible.objects.filter(assignment__in=due, done=False).select_related("department")
    # The same unit on several items has the same people: ask once per unit.
    units = {}
    for part in parts:
        units.setdefault((part.kind, part.faculty_id, part.department_id, part.user_id), part)
    people = {}
    for part in units.values():
        for user in services.responsible_users(part).exclude(email=""):
            people[user.pk] = user
    return [people[pk] for pk in sorted(people)]


def pending_digests(today):
    """Each recipient's digest of the items not yet reminded to them today; none for a person
    whose every item was."""
    sent = set(ReminderSent.objects.filter(day=today).values_list("user_id", "assignment_id"))
    digests = []
    for user in recipients(today):
        items = [i for i in due_items(user, today) if (user.pk, i.assignment.pk) not in sent]
        if items:
            digests.append(Digest(user, items))
    return digests


def message(digest, today):
    """The digest as an e-mail, in the portal's default language (no person's language is
    stored)."""
    count = len(digest.items)
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "The council's resolution: %(count)s item due soon or overdue",
            "The council's resolution: %(count)s items due soon or overdue",
            count,
        ) % {"count": count}
        body = render_to_string(
            "reports/execution_reminder.txt",
            {
                "user": digest.user,
                "items": digest.items,
                "today": today,
                "within": services.REMIND_WITHIN_DAYS,
                "list_link": settings.PORTAL_URL + reverse("execution:list"),
                "university_name": settings.UNIVERSITY_NAME,
            },
        )
    return EmailMessage(subject, body, to=[digest.user.email])


def _claim(user, assignment, today, now):
    """Record the reminder of one item; False when another run has already recorded it."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(user=user, assignment=assignment, day=today, sent_at=now)
    except IntegrityError:
        return False
    return True


def _send(digest, today, connection):
    """Send one digest, recording its items first and keeping the record only if it was sent.
    Returns the digest as sent (the items another run has just sent left out), or None."""
    now = timezone.now()
    with transaction.atomic():
        # In the digest's order (the most urgent first), the same in every run: two runs
        # inserting the same rows wait on each other instead of deadlocking.
        items = [item for item in digest.items if _claim(digest.user, item.assignment, today, now)]
        if not items:
            return None
        claimed = Digest(digest.user, items)
        if connection.send_messages([message(claimed, today)]) != 1:
            raise NotSent(digest.user.email)
    return claimed


def send_reminders(today, dry_run=False):
    """Send every pending digest of `today`; with `dry_run`, only say what would be sent."""
    digests = pending_digests(today)
    if dry_run:
        return Outcome(sent=digests)
    outcome = Outcome()
    connection = get_connection()
    # One connection (one SMTP session) for the whole run; a digest that fails is left for the
    # next run and the others still go.
    with connection:
        for digest in digests:
            try:
                sent = _send(digest, today, connection)
            except (OSError, NotSent):
                logger.exception("The reminder to %s was not sent", digest.user.email)
                outcome.failed.append(digest)
                # The failure may have broken the SMTP session: the next digest opens a new one.
                with suppress(OSError):
                    connection.close()
                continue
            if sent is not None:
                outcome.sent.append(sent)
    return outcome
