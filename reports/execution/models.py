"""The execution of an adopted resolution (app label "reports": reports.models imports them for
Django to find): each "resolves" item becomes an Assignment with its responsible units and people
(Responsible), their reports (ExecutionReport, with attachments), the item's history
(AssignmentEvent) and the reminders already sent (ReminderSent).

Only reports.execution.services writes these rows: each write locks the assignment, checks the
version the form was read at, and keeps an event.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.constraints import in_choices


class DeadlineKind(models.TextChoices):
    """The deadlines the council writes, each resolved to a date when the item is assigned
    (reports.execution.deadlines)."""

    DATE = "date", _("a date")
    YEAR_END = "year_end", _("by the end of the academic year")
    SESSION = "session", _("by the exam session's schedule")
    STATE_ATTESTATION = "state_attestation", _("by the state attestation's schedule")
    CALENDAR = "calendar", _("by the academic calendar")


class AssignmentStatus(models.TextChoices):
    """The stored status; "overdue" is derived (past the deadline and neither done nor
    cancelled), never stored, so that it never lags behind the calendar."""

    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


# The statuses of an item still to be executed: past its deadline, such an item is overdue (the
# one rule: Assignment.shown_status, and services.open_q for queries, both from this).
OPEN_STATUSES = (AssignmentStatus.NOT_STARTED, AssignmentStatus.IN_PROGRESS)
# The status shown: the stored one, or overdue.
OVERDUE = "overdue"
STATUS_LABELS = {**dict(AssignmentStatus.choices), OVERDUE: _("overdue")}
# Overdue first, then what is still open, then what is closed.
STATUS_ORDER = [
    OVERDUE,
    AssignmentStatus.NOT_STARTED,
    AssignmentStatus.IN_PROGRESS,
    AssignmentStatus.DONE,
    AssignmentStatus.CANCELLED,
]


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("awaiting review")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned")


class EventKind(models.TextChoices):
    ASSIGNED = "assigned", _("assigned")
    REASSIGNED = "reassigned", _("responsible or deadline changed")
    REPORTED = "reported", _("report submitted")
    ACCEPTED = "accepted", _("report accepted")
    RETURNED = "returned", _("report returned")
    CANCELLED = "cancelled", _("cancelled")
    RESTORED = "restored", _("cancellation withdrawn")


class Assignment(models.Model):
    """An item of an adopted resolution, to be executed: by whom, by when, how far."""

    item = models.OneToOneField(
        "reports.ResolutionItem",
        verbose_name=_("resolution item"),
        on_delete=models.PROTECT,
        related_name="assignment",
    )
    resolution = models.ForeignKey(
        "reports.Resolution",
        verbose_name=_("resolution"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    deadline_kind = models.CharField(
        _("kind of deadline"), max_length=20, choices=DeadlineKind.choices
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.NOT_STARTED,
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # Raised by every write: a form read at an older version is refused (no lost updates).
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["resolution", "item__order"]
        permissions = [("review_assignment", _("Can accept or return execution reports"))]
        constraints = [
            in_choices("deadline_kind", DeadlineKind),
            in_choices("status", AssignmentStatus),
            # A cancelled item says why; any other has no reason to show.
            models.CheckConstraint(
                condition=(
                    Q(status=AssignmentStatus.CANCELLED) & ~Q(cancel_reason="")
                    | ~Q(status=AssignmentStatus.CANCELLED) & Q(cancel_reason="")
                ),
                name="reports_assignment_cancelled_with_reason",
            ),
        ]

    def __str__(self):
        return f"{self.resolution} · {self.item.order + 1}"

    @property
    def number(self):
        """The item's number in the document: item 1 is the report itself (services)."""
        return self.item.order + 1

    def shown_status(self, today):
        """The status as people see it: overdue when past the deadline and still open."""
        return OVERDUE if self.status in OPEN_STATUSES and self.deadline < today else self.status


class UnitKind(models.TextChoices):
    FACULTY = "faculty", _("faculty (its dean's office)")
    DEPARTMENT = "department", _("department")
    USER = "user", _("person")


class Responsible(models.Model):
    """One responsible unit or person of an assignment, reporting on their part.

    A faculty's part is reported by its dean's office, a department's by the dean's office of the
    department's faculty, a person's by that person."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="responsibles",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    faculty = models.ForeignKey(
        "academics.Faculty",
        verbose_name=_("faculty"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        "academics.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="execution_parts",
    )
    # The part's progress as the vice-rector's office last accepted it (0–100); done at 100.
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        verbose_name = _("responsible")
        verbose_name_plural = _("responsibles")
        ordering = ["assignment", "kind", "faculty__name", "department__name", "user__last_name"]
        constraints = [
            in_choices("kind", UnitKind),
            # Exactly the one unit its kind names.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=UnitKind.FACULTY,
                        faculty__isnull=False,
                        department__isnull=True,
                        user__isnull=True,
                    )
                    | Q(
                        kind=UnitKind.DEPARTMENT,
                        faculty__isnull=True,
                        department__isnull=False,
                        user__isnull=True,
                    )
                    | Q(
                        kind=UnitKind.USER,
                        faculty__isnull=True,
                        department__isnull=True,
                        user__isnull=False,
                    )
                ),
                name="reports_responsible_one_unit",
            ),
            models.UniqueConstraint(
                fields=["assignment", "faculty"],
                condition=Q(kind="faculty"),
                name="reports_responsible_unique_faculty",
            ),
            models.UniqueConstraint(
                fields=["assignment", "department"],
                condition=Q(kind="department"),
                name="reports_responsible_unique_department",
            ),
            models.UniqueConstraint(
                fields=["assignment", "user"],
                condition=Q(kind="user"),
                name="reports_responsible_unique_user",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="reports_responsible_progress_percent"
            ),
            models.CheckConstraint(
                condition=Q(done=False) | Q(progress=100), name="reports_responsible_done_at_100"
            ),
        ]

    def __str__(self):
        return str(self.unit)

    @property
    def unit(self):
        if self.kind == UnitKind.FACULTY:
            return self.faculty
        if self.kind == UnitKind.DEPARTMENT:
            return self.department
        return self.user.get_full_name() or self.user.get_username()

    @property
    def reporting_faculty_id(self):
        """The faculty whose dean's office reports on this part (None for a person's)."""
        if self.kind == UnitKind.FACULTY:
            return self.faculty_id
        if self.kind == UnitKind.DEPARTMENT:
            return self.department.faculty_id
        return None


class ExecutionReport(models.Model):
    """What a responsible says of their part: a text, a percentage (100: done), attachments;
    accepted or returned by the vice-rector's office with a comment."""

    responsible = models.ForeignKey(
        Responsible,
        verbose_name=_("responsible"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    text = models.TextField(_("what was done"))
    progress = models.PositiveSmallIntegerField(_("progress, %"))
    state = models.CharField(
        _("state"), max_length=20, choices=ReportState.choices, default=ReportState.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("execution report")
        verbose_name_plural = _("execution reports")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            in_choices("state", ReportState),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="reports_executionreport_progress_percent"
            ),
            models.CheckConstraint(
                condition=~Q(text=""), name="reports_executionreport_text_not_empty"
            ),
            # A returned report says why; a reviewed one says by whom and when.
            models.CheckConstraint(
                condition=~Q(state=ReportState.RETURNED) | ~Q(review_comment=""),
                name="reports_executionreport_returned_with_comment",
            ),
            models.CheckConstraint(
                condition=(
                    Q(state=ReportState.SUBMITTED, reviewed_at__isnull=True)
                    | ~Q(state=ReportState.SUBMITTED) & Q(reviewed_at__isnull=False)
                ),
                name="reports_executionreport_reviewed_when",
            ),
        ]

    def __str__(self):
        return f"{self.responsible}: {self.progress}%"


def attachment_path(attachment, filename):
    # Under the media root, never served as static files: downloaded through a view that checks
    # who asks (reports.execution.views.attachment_download). A random name: none guessable.
    return f"execution/{attachment.report.responsible.assignment_id}/{attachment.token}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(
        ExecutionReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["report", "pk"]

    def __str__(self):
        return self.name


class AssignmentEvent(models.Model):
    """The item's history, append-only: who did what when, and what it was before."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    responsible = models.ForeignKey(
        Responsible,
        verbose_name=_("responsible"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    report = models.ForeignKey(
        ExecutionReport,
        verbose_name=_("report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    old_status = models.CharField(_("status before"), max_length=20, blank=True)
    new_status = models.CharField(_("status after"), max_length=20, blank=True)
    # What changed, in plain words at the time of the change (e.g. the old and the new deadline).
    details = models.TextField(_("details"), blank=True)

    class Meta:
        verbose_name = _("assignment event")
        verbose_name_plural = _("assignment events")
        ordering = ["-at", "-pk"]
        constraints = [in_choices("kind", EventKind)]

    def __str__(self):
        return f"{self.assignment}: {self.get_kind_display()}"


class ReminderSent(models.Model):
    """One reminder of one item to one person on one day: the daily command never sends it
    twice (the unique key holds even when two runs overlap)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "assignment", "day"], name="reports_remindersent_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.assignment} · {self.day}"
