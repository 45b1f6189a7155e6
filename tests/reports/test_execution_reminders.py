"""The daily reminders of the council's resolution's items (reports.execution.reminders and
`manage.py execution_reminders`): who gets a digest of which items, once per item and day, and a
failed sending recorded nowhere."""

import datetime
import re
import smtplib
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from academics import roles
from portal.dates import short_date
from reports.execution import reminders
from reports.execution import services as execution
from reports.execution.models import DeadlineKind, ReminderSent
from tests import factories
from tests.reports.test_execution import adopted

pytestmark = pytest.mark.django_db

# Ten days after the council: the items the tests do not plan are due in 20 days (adopted()).
TODAY = datetime.date(2024, 9, 7)


def days(n):
    return TODAY + datetime.timedelta(days=n)


class FailingBackend(BaseEmailBackend):
    """The mail server refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({})


class SilentBackend(BaseEmailBackend):
    """The backend takes the messages and sends none (as SMTP does without a connection)."""

    def send_messages(self, email_messages):
        return 0


class RefusingDeputyBackend(locmem.EmailBackend):
    """The mail server refuses one address and takes the others."""

    def send_messages(self, email_messages):
        if any(message.to == ["deputy@example.kg"] for message in email_messages):
            raise smtplib.SMTPRecipientsRefused({"deputy@example.kg": (550, b"no such user")})
        return super().send_messages(email_messages)


@pytest.fixture
def world():
    return {"session": factories.exam_session(academic_year=factories.academic_year(2023))}


@pytest.fixture
def people():
    faculty, other = factories.faculty(), factories.faculty()

    def dean(name, faculty, **kw):
        kw.setdefault("email", f"{name}@example.kg")
        return factories.user(name, role=roles.DEAN_OFFICE, faculty=faculty, **kw)

    return {
        "faculty": faculty,
        "other": other,
        "dean": dean("dean", faculty),
        "deputy": dean("deputy", faculty),
        "no_email": dean("no_email", faculty, email=""),
        "former": dean("former", faculty, is_active=False),
        "other_dean": dean("other_dean", other),
        "person": factories.user("person", email="person@example.kg"),
        "vice_rector": factories.user("vice_rector", role=roles.VICE_RECTOR, email="vr@example.kg"),
    }


def plan(deadline, *faculties, users=()):
    return execution.Plan(DeadlineKind.DATE, deadline, faculties=list(faculties), users=list(users))


def by_order(resolution):
    return {a.item.order: a for a in resolution.assignments.select_related("item")}


def sent_to():
    """{address: the e-mail} of mail.outbox, each address once."""
    outbox = {}
    for message in mail.outbox:
        (address,) = message.to
        assert address not in outbox, f"{address} got two e-mails"
        outbox[address] = message
    return outbox


def links(message):
    """The items' links of a digest, in its order."""
    item = re.compile(re.escape(settings.PORTAL_URL) + r"/execution/\d+/$")
    return [line for line in message.body.splitlines() if item.match(line)]


def item_links(*assignments):
    return [settings.PORTAL_URL + reverse("execution:item", args=[a.pk]) for a in assignments]


@pytest.fixture
def resolution(world, people):
    """Item 1 overdue and item 2 due on the 14th day (the faculty's; item 2 also the person's),
    item 3 due in 15 days, item 4 the other faculty's, item 5 due soon but cancelled."""
    faculty, other = people["faculty"], people["other"]
    resolution = adopted(
        world,
        people,
        {
            1: plan(days(-3), faculty),
            2: plan(days(14), faculty, users=[people["person"]]),
            3: plan(days(15), faculty),
            4: plan(days(5), other),
            5: plan(days(2), faculty),
        },
    )
    fifth = by_order(resolution)[5]
    execution.cancel(fifth, people["vice_rector"], "Керексиз болуп калды", fifth.version)
    return resolution


def test_each_person_gets_one_digest_of_their_items_due_or_overdue(resolution, people):
    items = by_order(resolution)
    outcome = reminders.send_reminders(TODAY)
    outbox = sent_to()
    # The faculty's dean's office (both its active users with an address), the person named on
    # item 2, the other faculty's dean's office; nobody without an address, no former user, not
    # the vice-rector, who reports on nothing.
    assert set(outbox) == {
        people[name].email for name in ("dean", "deputy", "person", "other_dean")
    }
    # Overdue first, then by the deadline; the 15-day item and the cancelled one left out.
    for name in ("dean", "deputy"):
        assert links(outbox[people[name].email]) == item_links(items[1], items[2])
    assert links(outbox[people["person"].email]) == item_links(items[2])
    assert links(outbox[people["other_dean"].email]) == item_links(items[4])
    assert outcome.items_sent == 6 and outcome.failed == []
    recorded = set(ReminderSent.objects.values_list("user__username", "assignment", "day"))
    assert recorded == {
        ("dean", items[1].pk, TODAY),
        ("dean", items[2].pk, TODAY),
        ("deputy", items[1].pk, TODAY),
        ("deputy", items[2].pk, TODAY),
        ("person", items[2].pk, TODAY),
        ("other_dean", items[4].pk, TODAY),
    }


def test_the_digest_says_what_each_item_is_and_how_late_in_kyrgyz(resolution, people):
    items = by_order(resolution)
    with translation.override("en"):  # whatever language is active, the default is written
        reminders.send_reminders(TODAY)
    body = sent_to()[people["dean"].email].body
    with translation.override("ky"):
        deadline_word = gettext("Deadline")
        resolution_text = str(items[1].resolution)
        first, second = (reminders.DueItem(items[n], TODAY) for n in (1, 2))
        assert first.overdue and not second.overdue
        first_when, second_when = first.when, second.when
        first_date, second_date = (short_date(items[n].deadline) for n in (1, 2))
    assert deadline_word != "Deadline"  # the Kyrgyz catalogue has it
    assert f"{deadline_word}: {first_date}, {first_when.upper()}" in body
    assert f"{deadline_word}: {second_date}, {second_when}" in body
    assert items[1].item.text in body and items[2].item.text in body
    assert resolution_text in body


def test_an_item_whose_part_is_done_is_left_out_for_that_part_only(world, people):
    faculty, other = people["faculty"], people["other"]
    resolution = adopted(world, people, {1: plan(days(3), faculty, other)})
    items = by_order(resolution)
    ours = items[1].responsibles.get(faculty=faculty)
    report = execution.submit_report(ours, people["dean"], "Бүттү", 100)
    execution.review_report(report, people["vice_rector"], accept=True)
    # Item 1 stays open (the other faculty has not reported): its dean's office is reminded, the
    # faculty whose part is done is not; the faculty's other items (30 days away) are not due.
    reminders.send_reminders(TODAY)
    outbox = sent_to()
    assert people["dean"].email not in outbox
    assert links(outbox[people["other_dean"].email]) == item_links(items[1])


def test_a_done_item_is_left_out(world, people):
    resolution = adopted(world, people, {1: plan(days(-1), people["faculty"])})
    item = by_order(resolution)[1]
    report = execution.submit_report(item.responsibles.get(), people["dean"], "Бүттү", 100)
    execution.review_report(report, people["vice_rector"], accept=True)
    reminders.send_reminders(TODAY)
    assert mail.outbox == []


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(resolution, people):
    out = StringIO()
    call_command("execution_reminders", "--date", TODAY.isoformat(), stdout=out)
    first = len(mail.outbox)
    assert first == 4
    assert "4" in out.getvalue() and "6" in out.getvalue()  # e-mails, items
    mail.outbox.clear()
    call_command("execution_reminders", "--date", TODAY.isoformat(), stdout=StringIO())
    assert mail.outbox == []
    call_command("execution_reminders", "--date", days(1).isoformat(), stdout=StringIO())
    assert len(mail.outbox) == first

    def recorded(day):
        return set(ReminderSent.objects.filter(day=day).values_list("user", "assignment"))

    # The same items again, and item 3, now due within 14 days, to the faculty's dean's office.
    third = by_order(resolution)[3].pk
    also = {(people["dean"].pk, third), (people["deputy"].pk, third)}
    assert recorded(days(1)) == recorded(TODAY) | also


def test_an_item_reminded_today_is_left_out_of_a_later_digest(resolution, people):
    items = by_order(resolution)
    ReminderSent.objects.create(
        user=people["dean"], assignment=items[1], day=TODAY, sent_at=timezone.now()
    )
    ReminderSent.objects.create(
        user=people["person"], assignment=items[2], day=TODAY, sent_at=timezone.now()
    )
    reminders.send_reminders(TODAY)
    outbox = sent_to()
    assert links(outbox[people["dean"].email]) == item_links(items[2])
    assert links(outbox[people["deputy"].email]) == item_links(items[1], items[2])
    assert people["person"].email not in outbox  # their only item was sent already


def test_a_run_that_overlaps_another_does_not_send_what_it_sent(resolution, people):
    # Both runs read the pending digests; the first sends them all; the second, late, finds
    # each item's row already there and sends nothing.
    late = reminders.pending_digests(TODAY)
    reminders.send_reminders(TODAY)
    sent = len(mail.outbox)
    connection = mail.get_connection()
    assert [reminders._send(digest, TODAY, connection) for digest in late] == [None] * len(late)
    assert len(mail.outbox) == sent


@pytest.mark.parametrize("backend", [FailingBackend, SilentBackend])
def test_a_failed_sending_records_nothing_and_the_next_run_retries(
    resolution, people, settings, backend
):
    settings.EMAIL_BACKEND = f"{__name__}.{backend.__name__}"
    with pytest.raises(CommandError):
        call_command("execution_reminders", "--date", TODAY.isoformat(), stdout=StringIO())
    assert not ReminderSent.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("execution_reminders", "--date", TODAY.isoformat(), stdout=StringIO())
    assert len(mail.outbox) == 4 and ReminderSent.objects.count() == 6


def test_one_refused_address_leaves_the_others_sent_and_itself_for_the_next_run(
    resolution, people, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingDeputyBackend"
    with pytest.raises(CommandError):
        call_command("execution_reminders", "--date", TODAY.isoformat(), stdout=StringIO())
    assert set(sent_to()) == {people[n].email for n in ("dean", "person", "other_dean")}
    assert not ReminderSent.objects.filter(user=people["deputy"]).exists()
    assert ReminderSent.objects.filter(user=people["dean"]).count() == 2
    mail.outbox.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("execution_reminders", "--date", TODAY.isoformat(), stdout=StringIO())
    assert set(sent_to()) == {people["deputy"].email}


def test_a_dry_run_lists_and_neither_sends_nor_records(resolution, people):
    out = StringIO()
    call_command("execution_reminders", "--date", TODAY.isoformat(), "--dry-run", stdout=out)
    assert mail.outbox == [] and not ReminderSent.objects.exists()
    listed = out.getvalue()
    for name in ("dean", "deputy", "person", "other_dean"):
        assert people[name].email in listed
    assert people["vice_rector"].email not in listed


def test_a_date_that_is_not_one_is_refused():
    with pytest.raises(CommandError):
        call_command("execution_reminders", "--date", "16.09.2024")
