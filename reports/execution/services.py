"""The execution of the council's resolution: every write of an assignment, its responsibles, their
reports and the review, and who sees and does what. Nothing else writes these rows.

Each write locks the assignment row (select_for_update), refuses a form read at an older
`version`, raises the version, recomputes the stored status from the parts and keeps an event
in the item's history, all in one transaction.

The status (DOMAIN.md, "Execution of the council's resolution"): cancelled (with a reason) by the
vice-rector's office; otherwise done when every responsible's part is done (its last accepted
report says 100%), in progress once any responsible has reported, else not started. Overdue is
derived: past the deadline and neither done nor cancelled (Assignment.shown_status).

Who: the academic department, the vice-rector and superusers see every item (the permission
reports.view_resolution); a dean's office sees and reports on the items that name its faculty or
one of its departments; a person named on an item sees it and reports on their part. The
vice-rector's office (reports.review_assignment) accepts or returns reports; it also assigns,
changes the responsibles or the deadline, and cancels (reports.change_resolution).
"""

import datetime
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from academics import roles
from academics.models import Department, Faculty
from academics.querysets import NO_FACULTY, role_names, user_faculty_id
from portal import uploads
from portal.dates import short_date

from . import deadlines
from .models import (
    OPEN_STATUSES,
    OVERDUE,
    STATUS_ORDER,
    Assignment,
    AssignmentEvent,
    AssignmentStatus,
    DeadlineKind,
    EventKind,
    ExecutionReport,
    ReportAttachment,
    ReportState,
    Responsible,
    UnitKind,
)

MAX_ATTACHMENTS = 10
REMIND_WITHIN_DAYS = 14


class StaleAssignment(ValidationError):
    """The form was read at an older version of the assignment: someone changed it meanwhile."""


# --- Who sees and does what ------------------------------------------------------------------


def sees_all(user):
    return user.has_perm("reports.view_resolution")


def can_review(user):
    return user.has_perm("reports.review_assignment")


def can_manage(user):
    return user.has_perm("reports.change_resolution")


def _reporting_q(user, prefix=""):
    """The responsibles `user` reports for: their dean's office's faculty and its departments,
    and their own name."""
    q = Q(**{f"{prefix}kind": UnitKind.USER, f"{prefix}user": user})
    faculty_id = user_faculty_id(user)
    dean_office = role_names(user) & {roles.DEAN_OFFICE, roles.DEAN_OFFICE_HEAD}
    if dean_office and faculty_id not in (None, NO_FACULTY):
        q |= Q(**{f"{prefix}kind": UnitKind.FACULTY, f"{prefix}faculty": faculty_id})
        q |= Q(**{f"{prefix}kind": UnitKind.DEPARTMENT, f"{prefix}department__faculty": faculty_id})
    return q


def visible(user):
    """The assignments `user` may see."""
    rows = Assignment.objects.select_related("item", "resolution__session__academic_year")
    if sees_all(user):
        return rows
    if not user.is_authenticated:
        return rows.none()
    ids = Responsible.objects.filter(_reporting_q(user)).values("assignment_id")
    return rows.filter(pk__in=ids)


def my_parts(user, assignment):
    """The responsibles of `assignment` that `user` reports on."""
    if not user.is_authenticated:
        return assignment.responsibles.none()
    return assignment.responsibles.filter(_reporting_q(user))


def can_report(user, responsible):
    return my_parts(user, responsible.assignment).filter(pk=responsible.pk).exists()


def responsible_users(responsible):
    """The people who report on a part (and get its reminders): the person named, or the active
    dean's office users of the faculty."""
    users = get_user_model().objects.filter(is_active=True)
    if responsible.kind == UnitKind.USER:
        return users.filter(pk=responsible.user_id)
    return users.filter(
        groups__name__in=[roles.DEAN_OFFICE, roles.DEAN_OFFICE_HEAD],
        profile__faculty_id=responsible.reporting_faculty_id,
    ).distinct()


# --- Reading ----------------------------------------------------------------------------------


def status_rank(status):
    return STATUS_ORDER.index(status)


def ordered(assignments, today):
    """The assignments overdue first, then not started, in progress, done, cancelled; within a
    status by deadline, then by the item's number."""
    return sorted(
        assignments,
        key=lambda a: (status_rank(a.shown_status(today)), a.deadline, a.resolution_id, a.number),
    )


def counts(assignments, today):
    """{shown status: how many}, every status present (0 where none)."""
    result = dict.fromkeys(STATUS_ORDER, 0)
    for assignment in assignments:
        result[assignment.shown_status(today)] += 1
    return result


def progress(assignment):
    """The item's progress, %: the mean of its parts' accepted progress, rounded half up (a part
    without an accepted report counts 0, so the figure never runs ahead of the review)."""
    parts = [part.progress for part in assignment.responsibles.all()]
    if not parts:
        return 0
    return (2 * sum(parts) + len(parts)) // (2 * len(parts))


def open_q(today, within_days=None):
    """Open items; with `within_days`, only those due within that many days or overdue."""
    q = Q(status__in=OPEN_STATUSES)
    if within_days is not None:
        q &= Q(deadline__lte=today + datetime.timedelta(days=within_days))
    return q


def due_for(user, today, within_days=REMIND_WITHIN_DAYS):
    """The open items `user` reports on (a part not yet done) due within `within_days` or
    overdue, the most urgent first."""
    parts = Responsible.objects.filter(_reporting_q(user), done=False).values("assignment_id")
    rows = (
        Assignment.objects.filter(open_q(today, within_days), pk__in=parts)
        .select_related("item", "resolution__session__academic_year")
        .order_by("deadline", "resolution_id", "item__order")
    )
    return list(rows)


def overdue_q(today):
    return open_q(today) & Q(deadline__lt=today)


# --- Assigning (at adoption, and after) ---------------------------------------------------------


@dataclass
class Plan:
    """Who executes an item and by when, as the adopt form (or a guess) says."""

    deadline_kind: str
    deadline: object = None  # the date: given for DATE, resolved for the others when None
    faculties: list = field(default_factory=list)
    departments: list = field(default_factory=list)
    users: list = field(default_factory=list)


# Who the seed's "responsible" phrases name (Kyrgyz and Russian, lower case): the deans and
# directors are the faculties' (and the college's) dean's offices, the heads of departments every
# department, the academic department (ОБ) its staff.
_FACULTY_WORDS = ("декан", "директор")
_DEPARTMENT_WORDS = ("кафедра",)
_ACADEMIC_DEPARTMENT_WORDS = (" об", "окуу бөлүм", "учебный отдел")


def guess_plan(item, council_date):
    """A first plan for an item from its texts, for the vice-rector's office to correct."""
    kind, date = deadlines.recognise(item.deadline or item.deadline_ru)
    text = f" {item.responsible} {item.responsible_ru}".lower().replace(",", " ")
    plan = Plan(kind, date or deadlines.resolve(kind, council_date))
    if any(word in text for word in _FACULTY_WORDS):
        plan.faculties = list(Faculty.objects.all())
    if any(word in text for word in _DEPARTMENT_WORDS):
        plan.departments = list(Department.objects.all())
    if any(word in text for word in _ACADEMIC_DEPARTMENT_WORDS):
        plan.users = list(
            get_user_model().objects.filter(is_active=True, groups__name=roles.ACADEMIC_DEPARTMENT)
        )
    return plan


def _resolved(plan, council_date):
    if plan.deadline is not None:
        return plan.deadline
    return deadlines.resolve(plan.deadline_kind, council_date)


def _write_responsibles(assignment, plan):
    wanted = (
        [(UnitKind.FACULTY, "faculty", f) for f in plan.faculties]
        + [(UnitKind.DEPARTMENT, "department", d) for d in plan.departments]
        + [(UnitKind.USER, "user", u) for u in plan.users]
    )
    current = {
        (r.kind, r.faculty_id or r.department_id or r.user_id): r
        for r in assignment.responsibles.all()
    }
    keep = set()
    for kind, name, unit in wanted:
        key = (kind, unit.pk)
        keep.add(key)
        if key not in current:
            Responsible.objects.create(assignment=assignment, kind=kind, **{name: unit})
    removed = [r for key, r in current.items() if key not in keep]
    for responsible in removed:
        if responsible.reports.exists():
            raise ValidationError(
                _("%(unit)s has already reported on this item and stays responsible for it.")
                % {"unit": responsible}
            )
        responsible.delete()
    return removed


def _event(assignment, kind, user, old_status="", details="", responsible=None, report=None):
    return AssignmentEvent.objects.create(
        assignment=assignment,
        kind=kind,
        at=timezone.now(),
        by=user,
        responsible=responsible,
        report=report,
        old_status=old_status,
        new_status=assignment.status,
        details=details,
    )


def _plan_words(assignment):
    """The responsibles and the deadline in plain words, for the history."""
    units = ", ".join(str(r) for r in assignment.responsibles.all()) or "—"
    return _("Responsible: %(units)s. Deadline: %(deadline)s (%(kind)s).") % {
        "units": units,
        "deadline": short_date(assignment.deadline),
        "kind": DeadlineKind(assignment.deadline_kind).label,
    }


def create_assignments(resolution, plans, user):
    """Every item of `resolution` (being adopted, inside adopt()'s transaction) becomes an
    assignment: `plans` {item id: Plan}; an item without a plan gets the guessed one."""
    for item in resolution.items.all():
        plan = plans.get(item.pk) or guess_plan(item, resolution.council_date)
        assignment = Assignment.objects.create(
            item=item,
            resolution=resolution,
            deadline_kind=plan.deadline_kind,
            deadline=_resolved(plan, resolution.council_date),
        )
        _write_responsibles(assignment, plan)
        _event(assignment, EventKind.ASSIGNED, user, details=_plan_words(assignment))


def _locked(assignment, version):
    current = (
        Assignment.objects.select_for_update().select_related("resolution").get(pk=assignment.pk)
    )
    if version is not None and int(version) != current.version:
        raise StaleAssignment(
            _(
                "Someone changed this item while you were working on it; its page now shows "
                "the current state. Check it and try again."
            )
        )
    return current


def _refresh_status(assignment):
    """The stored status from the parts (a cancelled item stays cancelled)."""
    if assignment.status == AssignmentStatus.CANCELLED:
        return
    parts = assignment.responsibles.aggregate(
        total=Count("pk", distinct=True),
        done=Count("pk", filter=Q(done=True), distinct=True),
        reported=Count("reports", distinct=True),
    )
    if parts["total"] and parts["done"] == parts["total"]:
        assignment.status = AssignmentStatus.DONE
    elif parts["reported"]:
        assignment.status = AssignmentStatus.IN_PROGRESS
    else:
        assignment.status = AssignmentStatus.NOT_STARTED


def _save(assignment):
    assignment.version += 1
    assignment.save()


@transaction.atomic
def reassign(assignment, user, plan, version):
    """Change the responsibles or the deadline of an adopted item (the vice-rector's office)."""
    if not can_manage(user):
        raise PermissionDenied
    current = _locked(assignment, version)
    old_status, before = current.status, _plan_words(current)
    current.deadline_kind = plan.deadline_kind
    current.deadline = _resolved(plan, current.resolution.council_date)
    _write_responsibles(current, plan)
    _refresh_status(current)
    _save(current)
    after = _plan_words(current)
    if after != before:
        _event(current, EventKind.REASSIGNED, user, old_status, f"{before} → {after}")
    return current


def _check_files(files):
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            _("At most %(count)s files can be attached to a report.") % {"count": MAX_ATTACHMENTS}
        )
    checked = []
    for upload in files:
        try:
            content_type = uploads.check_attachment(upload)
        except uploads.UploadRefused as refused:
            raise ValidationError(refused.messages) from None
        checked.append((upload, content_type))
    return checked


@transaction.atomic
def submit_report(responsible, user, text, progress, files=(), version=None):
    """A responsible's report on their part: a text, a percentage (100: done) and attachments,
    awaiting the vice-rector's office's review."""
    if not can_report(user, responsible):
        raise PermissionDenied
    checked = _check_files(list(files))
    current = _locked(responsible.assignment, version)
    if current.status == AssignmentStatus.CANCELLED:
        raise ValidationError(_("This item has been cancelled; it takes no more reports."))
    responsible = Responsible.objects.get(pk=responsible.pk)
    if responsible.done:
        raise ValidationError(_("Your part of this item has already been accepted as done."))
    if responsible.reports.filter(state=ReportState.SUBMITTED).exists():
        raise ValidationError(
            _("Your previous report on this item still awaits review; wait for the answer.")
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Say what was done."))
    if not 0 <= int(progress) <= 100:
        raise ValidationError(_("The progress is a percentage from 0 to 100."))
    old_status = current.status
    report = ExecutionReport.objects.create(
        responsible=responsible,
        text=text,
        progress=int(progress),
        submitted_by=user,
        submitted_at=timezone.now(),
    )
    for upload, content_type in checked:
        attachment = ReportAttachment(
            report=report,
            token=secrets.token_urlsafe(24),
            name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
        )
        attachment.file.save(attachment.token, upload, save=False)
        attachment.save()
    _refresh_status(current)
    _save(current)
    _event(
        current,
        EventKind.REPORTED,
        user,
        old_status,
        _("%(progress)s%%: %(text)s") % {"progress": report.progress, "text": text},
        responsible=responsible,
        report=report,
    )
    return report


@transaction.atomic
def review_report(report, user, accept, comment="", version=None):
    """Accept a report (the part's progress becomes the report's; 100% is done) or return it
    with a comment saying what is missing."""
    if not can_review(user):
        raise PermissionDenied
    responsible = report.responsible
    current = _locked(responsible.assignment, version)
    report = ExecutionReport.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(_("This report has already been reviewed."))
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError(_("Say why the report is returned."))
    old_status = current.status
    report.state = ReportState.ACCEPTED if accept else ReportState.RETURNED
    report.reviewed_by, report.reviewed_at = user, timezone.now()
    report.review_comment = comment
    report.save()
    if accept:
        Responsible.objects.filter(pk=responsible.pk).update(
            progress=report.progress, done=report.progress == 100
        )
    _refresh_status(current)
    _save(current)
    _event(
        current,
        EventKind.ACCEPTED if accept else EventKind.RETURNED,
        user,
        old_status,
        comment,
        responsible=responsible,
        report=report,
    )
    return report


@transaction.atomic
def cancel(assignment, user, reason, version):
    if not can_manage(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the item is cancelled."))
    current = _locked(assignment, version)
    if current.status == AssignmentStatus.CANCELLED:
        raise ValidationError(_("This item has already been cancelled."))
    old_status = current.status
    current.status, current.cancel_reason = AssignmentStatus.CANCELLED, reason
    _save(current)
    _event(current, EventKind.CANCELLED, user, old_status, reason)
    return current


@transaction.atomic
def restore(assignment, user, version):
    """Withdraw a cancellation: the status is again what the parts say."""
    if not can_manage(user):
        raise PermissionDenied
    current = _locked(assignment, version)
    if current.status != AssignmentStatus.CANCELLED:
        raise ValidationError(_("This item is not cancelled."))
    old_status, reason = current.status, current.cancel_reason
    current.status, current.cancel_reason = AssignmentStatus.NOT_STARTED, ""
    _refresh_status(current)
    _save(current)
    _event(current, EventKind.RESTORED, user, old_status, reason)
    return current


__all__ = [
    "OVERDUE",
    "Plan",
    "StaleAssignment",
    "can_manage",
    "can_report",
    "can_review",
    "cancel",
    "counts",
    "create_assignments",
    "due_for",
    "guess_plan",
    "my_parts",
    "ordered",
    "progress",
    "reassign",
    "restore",
    "review_report",
    "submit_report",
    "visible",
]
