"""The only writers of grades, sheets and admissions: each write checks the sheet, the lock, the
version and the user's faculty, and leaves an audit row. Pages, the admin, imports and commands
all come through here."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academics.choices import StudentStatus
from academics.models import Student
from academics.querysets import can_edit_grades

from .choices import (
    ALLOWED_VALUES,
    OWING_VALUES,
    Attempt,
    ChangeSource,
    SheetAction,
    SheetStatus,
)
from .models import Admission, Grade, GradeChange, GradeSheet, SheetEvent

DEFAULT_POINTS_SCALE = [(87, "5"), (74, "4"), (61, "3"), (0, "2")]


class SheetError(Exception):
    """A write that was refused as a whole; nothing of it was written."""


class SheetLocked(SheetError):
    pass


class StaleSheet(SheetError):
    """Someone saved the sheet since it was opened; `current` holds what they saved."""

    def __init__(self, message, current):
        super().__init__(message)
        self.current = current


@dataclass
class InvalidGrades(SheetError):
    errors: dict = field(default_factory=dict)  # student id -> message

    def __str__(self):
        return "; ".join(f"{k}: {v}" for k, v in self.errors.items())


def points_to_value(points):
    """Convert 0–100 points to 5…2 by the scale in settings.GRADE_POINTS_SCALE."""
    scale = getattr(settings, "GRADE_POINTS_SCALE", DEFAULT_POINTS_SCALE)
    for threshold, value in sorted(scale, reverse=True):
        if points >= threshold:
            return value
    return "2"


def open_sheet(assessment, attempt):
    sheet, _created = GradeSheet.objects.get_or_create(assessment=assessment, attempt=attempt)
    return sheet


def ensure_admissions(session, group):
    """Give every student now studying in the group a main-stage admission row (admitted)."""
    have = set(
        Admission.objects.filter(session=session, stage=Attempt.MAIN, group=group).values_list(
            "student_id", flat=True
        )
    )
    missing = Student.objects.filter(group=group, status=StudentStatus.STUDYING).exclude(
        pk__in=have
    )
    Admission.objects.bulk_create(
        [
            Admission(session=session, student=s, group=group, stage=Attempt.MAIN)
            for s in missing
            # A student admitted in another group of the session keeps that row.
        ],
        ignore_conflicts=True,
    )


@dataclass
class RosterRow:
    student: Student
    admitted: bool
    reason: str
    value: str
    points: int | None
    main_value: str = ""


def roster(sheet):
    """The rows of a sheet, in name order: who is on it, whether they may sit, and their grade.

    The main sheet lists the group's contingent for the session; the АКЖ sheet only those who owe
    the assessment after the main attempt (2, fail, absent, or not admitted then but admitted to
    АКЖ). A fixed number of queries whatever the group's size.
    """
    assessment = sheet.assessment
    session = assessment.session
    main = {
        a.student_id: a
        for a in Admission.objects.filter(
            session=session, stage=Attempt.MAIN, group=assessment.group
        ).select_related("student")
    }
    grades = {
        (g.student_id, g.attempt): g
        for g in Grade.objects.filter(assessment=assessment, student_id__in=main)
    }
    rows = []
    if sheet.attempt == Attempt.MAIN:
        for sid, adm in main.items():
            g = grades.get((sid, Attempt.MAIN))
            rows.append(
                RosterRow(
                    adm.student,
                    adm.admitted,
                    adm.reason,
                    g.value if g else "",
                    g.points if g else None,
                )
            )
    else:
        retake = {
            a.student_id: a
            for a in Admission.objects.filter(
                session=session, stage=Attempt.RETAKE, student_id__in=main
            )
        }
        for sid, adm in main.items():
            g_main = grades.get((sid, Attempt.MAIN))
            r_adm = retake.get(sid)
            owes = (g_main is not None and g_main.value in OWING_VALUES) or (
                not adm.admitted and r_adm is not None and r_adm.admitted
            )
            if not owes:
                continue
            g = grades.get((sid, Attempt.RETAKE))
            admitted = r_adm.admitted if r_adm is not None else adm.admitted or False
            rows.append(
                RosterRow(
                    adm.student,
                    admitted,
                    r_adm.reason if r_adm else "",
                    g.value if g else "",
                    g.points if g else None,
                    main_value=g_main.value if g_main else "",
                )
            )
    rows.sort(key=lambda r: r.student.full_name)
    return rows


def _check_can_write(sheet, user, today):
    assessment = sheet.assessment
    if user is not None and not can_edit_grades(user, assessment.group.program.faculty_id):
        raise PermissionDenied(_("You cannot enter grades for this group."))
    if sheet.status != SheetStatus.DRAFT:
        raise SheetLocked(
            _("The sheet is %(status)s: it is read-only until it is reopened.")
            % {"status": sheet.get_status_display()}
        )
    if (
        assessment.session.entry_closed(today)
        and user is not None
        and not user.has_perm("sessions_app.enter_after_deadline")
    ):
        raise SheetLocked(
            _(
                "The entry deadline (%(date)s) has passed: only the dean's office head can enter "
                "grades now."
            )
            % {"date": assessment.session.entry_deadline}
        )


def _locked_sheet(sheet):
    return (
        GradeSheet.objects.select_for_update()
        .select_related("assessment__session", "assessment__group__program")
        .get(pk=sheet.pk)
    )


@transaction.atomic
def record_grades(sheet, entries, user, version, source=ChangeSource.PAGE, reason="", today=None):
    """Write a sheet's grades at once, or nothing.

    `entries` maps student id -> value ("5", "4", "3", "2", "absent", "pass", "fail", "" to clear)
    or -> points (int 0–100, converted by the scale). `version` is the sheet version the user
    loaded; if someone saved since, StaleSheet is raised with their values and nothing is written.
    Returns the number of grades changed.
    """
    now = timezone.now()
    today = today or timezone.localdate()
    sheet = _locked_sheet(sheet)
    _check_can_write(sheet, user, today)
    if version != sheet.version:
        current = {row.student.pk: row.value for row in roster(sheet)}
        raise StaleSheet(
            _(
                "Someone else saved this sheet after you opened it. Their values are shown; "
                "check them and save again."
            ),
            current,
        )
    assessment = sheet.assessment
    rows = {row.student.pk: row for row in roster(sheet)}
    allowed = ALLOWED_VALUES[assessment.kind]
    errors, changes = {}, []
    for student_id, raw in entries.items():
        row = rows.get(student_id)
        if row is None:
            errors[student_id] = _("This student is not on the sheet.")
            continue
        points = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            if not 0 <= raw <= 100 or "5" not in allowed:
                errors[student_id] = _("Points must be from 0 to 100, on a graded assessment.")
                continue
            points, value = raw, points_to_value(raw)
        else:
            value = (raw or "").strip().lower()
        if value and value not in allowed:
            errors[student_id] = _("“%(value)s” is not allowed here; use one of: %(allowed)s.") % {
                "value": raw,
                "allowed": ", ".join(sorted(allowed)),
            }
            continue
        if value and not row.admitted:
            errors[student_id] = _("The student is not admitted: no grade can be entered.")
            continue
        if value != row.value or (value and points != row.points and points is not None):
            changes.append((student_id, row, value, points))
    if errors:
        raise InvalidGrades(errors)
    if not changes:
        return 0

    existing = {
        g.student_id: g
        for g in Grade.objects.filter(
            assessment=assessment, attempt=sheet.attempt, student_id__in=[c[0] for c in changes]
        )
    }
    new, updated, cleared, audit = [], [], [], []
    for student_id, row, value, points in changes:
        grade = existing.get(student_id)
        if not value:
            if grade is not None:
                cleared.append(grade.pk)
        elif grade is None:
            new.append(
                Grade(
                    assessment=assessment,
                    student_id=student_id,
                    attempt=sheet.attempt,
                    value=value,
                    points=points,
                    entered_by=user,
                    entered_at=now,
                )
            )
        else:
            grade.value, grade.points, grade.entered_by, grade.entered_at = value, points, user, now
            updated.append(grade)
        audit.append(
            GradeChange(
                assessment=assessment,
                student_id=student_id,
                attempt=sheet.attempt,
                old_value=row.value,
                new_value=value,
                old_points=row.points,
                new_points=points,
                changed_by=user,
                changed_at=now,
                source=source,
                reason=reason,
            )
        )
    Grade.objects.bulk_create(new)
    Grade.objects.bulk_update(updated, ["value", "points", "entered_by", "entered_at"])
    if cleared:
        Grade.objects.filter(pk__in=cleared).delete()
    GradeChange.objects.bulk_create(audit)
    GradeSheet.objects.filter(pk=sheet.pk).update(version=sheet.version + 1, updated_at=now)
    return len(audit)


def _transition(sheet, user, action, to_status, from_statuses, reason=""):
    sheet = _locked_sheet(sheet)
    if sheet.status not in from_statuses:
        raise SheetError(
            _("A %(status)s sheet cannot be %(action)s.")
            % {"status": sheet.get_status_display(), "action": SheetAction(action).label}
        )
    GradeSheet.objects.filter(pk=sheet.pk).update(
        status=to_status, version=sheet.version + 1, updated_at=timezone.now()
    )
    SheetEvent.objects.create(sheet=sheet, action=action, by=user, at=timezone.now(), reason=reason)
    sheet.refresh_from_db()
    return sheet


@transaction.atomic
def submit_sheet(sheet, user):
    if user is not None and not can_edit_grades(user, sheet.assessment.group.program.faculty_id):
        raise PermissionDenied(_("You cannot submit this sheet."))
    return _transition(sheet, user, SheetAction.SUBMIT, SheetStatus.SUBMITTED, {SheetStatus.DRAFT})


@transaction.atomic
def lock_sheet(sheet, user):
    if user is not None and not (
        user.has_perm("sessions_app.reopen_gradesheet")
        and can_edit_grades(user, sheet.assessment.group.program.faculty_id)
    ):
        raise PermissionDenied(_("Only the dean's office head can lock a sheet."))
    return _transition(
        sheet,
        user,
        SheetAction.LOCK,
        SheetStatus.LOCKED,
        {SheetStatus.DRAFT, SheetStatus.SUBMITTED},
    )


@transaction.atomic
def reopen_sheet(sheet, user, reason):
    if not (reason or "").strip():
        raise SheetError(_("Reopening a sheet needs a reason."))
    if user is not None and not (
        user.has_perm("sessions_app.reopen_gradesheet")
        and can_edit_grades(user, sheet.assessment.group.program.faculty_id)
    ):
        raise PermissionDenied(_("Only the dean's office head can reopen a sheet."))
    return _transition(
        sheet,
        user,
        SheetAction.REOPEN,
        SheetStatus.DRAFT,
        {SheetStatus.SUBMITTED, SheetStatus.LOCKED},
        reason=reason.strip(),
    )


@transaction.atomic
def set_admissions(session, group, stage, entries, user):
    """Mark who is admitted to the session or to АКЖ: entries maps student id ->
    (admitted, reason, note). A not-admitted student needs the reason's kind."""
    if user is not None and not can_edit_grades(user, group.program.faculty_id):
        raise PermissionDenied(_("You cannot change admission for this group."))
    ensure_admissions(session, group)
    current = {
        a.student_id: a
        for a in Admission.objects.filter(session=session, stage=stage, student_id__in=entries)
    }
    contingent = set(
        Admission.objects.filter(session=session, stage=Attempt.MAIN, group=group).values_list(
            "student_id", flat=True
        )
    )
    errors, new, changed = {}, [], []
    for student_id, (admitted, reason, note) in entries.items():
        if student_id not in contingent:
            errors[student_id] = _("This student is not in the group for this session.")
            continue
        reason = "" if admitted else (reason or "")
        if not admitted and reason not in ("valid", "invalid"):
            errors[student_id] = _("Say whether the reason is valid or not.")
            continue
        adm = current.get(student_id)
        if adm is None:
            new.append(
                Admission(
                    session=session,
                    student_id=student_id,
                    group=group,
                    stage=stage,
                    admitted=admitted,
                    reason=reason,
                    note=note or "",
                    updated_by=user,
                )
            )
        elif (adm.admitted, adm.reason, adm.note) != (admitted, reason, note or ""):
            adm.admitted, adm.reason, adm.note, adm.updated_by = admitted, reason, note or "", user
            adm.updated_at = timezone.now()
            changed.append(adm)
    if errors:
        raise InvalidGrades(errors)
    Admission.objects.bulk_create(new)
    Admission.objects.bulk_update(
        changed, ["admitted", "reason", "note", "updated_by", "updated_at"]
    )
    return len(new) + len(changed)
