"""The only writers of grades, sheets and admissions: each write checks the sheet, the lock, the
version and the user's faculty, and leaves an audit row. Pages, the admin, imports and commands
all come through here."""

import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from academics.choices import StudentStatus
from academics.models import Student, StudyGroup
from academics.querysets import can_edit, can_edit_grades

from . import figures, outcomes
from .choices import (
    ALLOWED_VALUES,
    OWING_VALUES,
    Attempt,
    ChangeSource,
    SheetAction,
    SheetStatus,
)
from .models import (
    Admission,
    Assessment,
    ExamSession,
    Grade,
    GradeChange,
    GradeSheet,
    SheetEvent,
)

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
    missing = list(
        Student.objects.filter(group=group, status=StudentStatus.STUDYING).exclude(pk__in=have)
    )
    Admission.objects.bulk_create(
        [
            Admission(session=session, student=s, group=group, stage=Attempt.MAIN)
            for s in missing
            # A student admitted in another group of the session keeps that row.
        ],
        ignore_conflicts=True,
    )
    if missing:
        figures.changed([session])


@dataclass
class RosterRow:
    student: Student
    admitted: bool
    reason: str
    value: str
    points: int | None
    main_value: str = ""
    grade: Grade | None = None  # this sheet's attempt, as stored


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
                    grade=g,
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
                    grade=g,
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
            % {"date": date_format(assessment.session.entry_deadline, "SHORT_DATE_FORMAT")}
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

    new, updated, cleared, audit = [], [], [], []
    for student_id, row, value, points in changes:
        grade = row.grade
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
    # Saves in one session follow each other from _locked_sheet on (its FOR UPDATE also locks
    # the session's row), so each refresh sees the grades the one before it committed.
    figures.changed([assessment.session_id])
    outcomes.refresh([assessment.session_id], [student_id for student_id, *_rest in changes])
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
    if user is not None and not can_edit(
        user, group.program.faculty_id, "sessions_app.change_admission"
    ):
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
    if new or changed:
        figures.changed([session])
    return len(new) + len(changed)


# Bulk writes of the results import (sessions_app.importer). The importer checks every row first
# so that it can name it; these functions check again under the sheet locks, inside the import's
# transaction, and are what actually writes.

IMPORT_BATCH = 2000
# Below SQLite's 999 bound parameters per query, with room to spare.
_IN_CHUNK = 900


def _chunked(items, size):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self):
        return self.created + self.updated


def _check_faculties(user, faculty_ids, message):
    if user is None:
        return
    for faculty_id in faculty_ids:
        if not can_edit_grades(user, faculty_id):
            raise PermissionDenied(message)


@transaction.atomic
def import_admissions(entries, user):
    """Write the admissions an import read: `entries` holds tuples
    (session_id, student_id, stage, group_id, admitted, reason).

    Only what differs from the stored row is written, so a second import of the same file changes
    nothing; a note typed on the admission page is kept. Returns WriteCounts.
    """
    entries = list(entries)
    if not entries:
        return WriteCounts()
    errors = {}
    for session_id, student_id, stage, _group_id, admitted, reason in entries:
        if (admitted and reason) or (not admitted and reason not in ("valid", "invalid")):
            errors[(session_id, student_id, stage)] = _("Say whether the reason is valid or not.")
    if errors:
        raise InvalidGrades(errors)
    group_ids = {entry[3] for entry in entries}
    faculties = set(
        StudyGroup.objects.filter(pk__in=group_ids).values_list("program__faculty_id", flat=True)
    )
    _check_faculties(user, faculties, _("You cannot change admission for this group."))

    session_ids = {entry[0] for entry in entries}
    existing = {}
    for chunk in _chunked({entry[1] for entry in entries}, _IN_CHUNK):
        for admission in Admission.objects.filter(
            session_id__in=session_ids, student_id__in=chunk
        ).only("id", "session_id", "student_id", "stage", "group_id", "admitted", "reason"):
            existing[(admission.session_id, admission.student_id, admission.stage)] = admission
    now = timezone.now()
    at = Admission._meta.get_field("updated_at").get_db_prep_save(now, connection)
    user_id = user.pk if user is not None else None
    counts, new, changed = WriteCounts(), [], []
    for session_id, student_id, stage, group_id, admitted, reason in entries:
        admission = existing.get((session_id, student_id, stage))
        if admission is None:
            new.append((session_id, student_id, stage, group_id, admitted, reason, "", user_id, at))
        elif (admission.group_id, admission.admitted, admission.reason) != (
            group_id,
            admitted,
            reason,
        ):
            admission.group_id, admission.admitted, admission.reason = group_id, admitted, reason
            admission.updated_by, admission.updated_at = user, now
            changed.append(admission)
        else:
            counts.unchanged += 1
    _insert_rows(
        Admission,
        ["session", "student", "stage", "group", "admitted", "reason", "note", "updated_by"]
        + ["updated_at"],
        new,
    )
    Admission.objects.bulk_update(
        changed, ["group", "admitted", "reason", "updated_by", "updated_at"], batch_size=500
    )
    counts.created, counts.updated = len(new), len(changed)
    if new or changed:
        figures.changed(session_ids)
    return counts


@transaction.atomic
def import_grades(entries, user, source=ChangeSource.IMPORT, reason="", today=None):
    """Write many grades at once, as the results import does, or nothing.

    `entries` is an iterable of (assessment_id, student_id, attempt, value) with a value of
    ALLOWED_VALUES (never blank: an import does not clear grades). A value equal to the stored
    one is left alone: no audit row and no version bump, so importing a file twice changes
    nothing. Every created or changed grade gets a GradeChange row; the sheets it lies on are
    created when missing and their version bumped once.

    Checked here, under the sheet locks, as record_grades does: the faculty, the sheet's state
    (SheetLocked for a change on a submitted or locked sheet), the entry deadline, the allowed
    values, the admission, and for АКЖ that the student owes the assessment after the main
    attempt (InvalidGrades, keyed by (assessment_id, student_id, attempt)).

    Returns {"grades": WriteCounts, "sheets": WriteCounts}.
    """
    now = timezone.now()
    today = today or timezone.localdate()
    wanted, errors = {}, {}
    for assessment_id, student_id, attempt, value in entries:
        key = (assessment_id, student_id, attempt)
        if key in wanted:
            errors[key] = _("The same grade is given twice.")
        wanted[key] = value
    counts = {"grades": WriteCounts(), "sheets": WriteCounts()}
    if not wanted:
        return counts

    assessment_ids = {key[0] for key in wanted}
    assessments = {}
    for chunk in _chunked(assessment_ids, _IN_CHUNK):
        for row in Assessment.objects.filter(pk__in=chunk).values_list(
            "id", "kind", "group_id", "group__program__faculty_id", "session_id"
        ):
            assessments[row[0]] = row[1:]
    missing = assessment_ids - set(assessments)
    if missing:
        raise SheetError(_("No assessment %(ids)s.") % {"ids": sorted(missing)[:5]})
    _check_faculties(
        user,
        {info[2] for info in assessments.values()},
        _("You cannot enter grades for this group."),
    )

    sheets = {}
    for chunk in _chunked(assessment_ids, _IN_CHUNK):
        for sheet in (
            GradeSheet.objects.select_for_update()
            .filter(assessment_id__in=chunk)
            .order_by("pk")
            .only("id", "assessment_id", "attempt", "status", "version")
        ):
            sheets[(sheet.assessment_id, sheet.attempt)] = sheet
    stored = {}
    student_ids = {key[1] for key in wanted}
    for chunk in _chunked(assessment_ids, _IN_CHUNK):
        for grade_id, a_id, s_id, attempt, value, points in Grade.objects.filter(
            assessment_id__in=chunk
        ).values_list("id", "assessment_id", "student_id", "attempt", "value", "points"):
            if s_id in student_ids:
                stored[(a_id, s_id, attempt)] = (grade_id, value, points)

    counts["sheets"].unchanged = len(sheets)
    changes = []
    for key, value in wanted.items():
        old = stored.get(key)
        if old is not None and old[1] == value:
            counts["grades"].unchanged += 1
            continue
        if value not in ALLOWED_VALUES[assessments[key[0]][0]]:
            errors[key] = _("“%(value)s” is not allowed here; use one of: %(allowed)s.") % {
                "value": value,
                "allowed": ", ".join(sorted(ALLOWED_VALUES[assessments[key[0]][0]])),
            }
            continue
        changes.append((key, value, old))
    if not changes and not errors:
        return counts

    # Who may sit: the main-stage admission puts the student on the group's sheet; АКЖ needs
    # the student to owe the assessment after the main attempt, as roster() lists them.
    session_ids = {assessments[key[0]][3] for key, _value, _old in changes}
    admissions = {}
    for chunk in _chunked({key[1] for key, _value, _old in changes}, _IN_CHUNK):
        for session_id, student_id, stage, group_id, admitted in Admission.objects.filter(
            session_id__in=session_ids, student_id__in=chunk
        ).values_list("session_id", "student_id", "stage", "group_id", "admitted"):
            admissions[(session_id, student_id, stage)] = (group_id, admitted)
    for key, _value, _old in changes:
        assessment_id, student_id, attempt = key
        _kind, group_id, _faculty_id, session_id = assessments[assessment_id]
        main = admissions.get((session_id, student_id, Attempt.MAIN))
        if main is None or main[0] != group_id:
            errors[key] = _("This student is not on the sheet.")
        elif attempt == Attempt.MAIN:
            if not main[1]:
                errors[key] = _("The student is not admitted: no grade can be entered.")
        else:
            retake = admissions.get((session_id, student_id, Attempt.RETAKE))
            admitted = retake[1] if retake is not None else main[1]
            main_key = (assessment_id, student_id, Attempt.MAIN)
            main_value = wanted.get(main_key) or (stored.get(main_key) or (None, ""))[1]
            owes = main_value in OWING_VALUES or (not main[1] and retake is not None and retake[1])
            if not owes:
                errors[key] = _("The student does not owe this assessment: no АКЖ grade.")
            elif not admitted:
                errors[key] = _("The student is not admitted: no grade can be entered.")
    if errors:
        raise InvalidGrades(errors)

    touched = {(key[0], key[2]) for key, _value, _old in changes}
    refused = sorted(
        sheets[pair].pk
        for pair in touched
        if pair in sheets and sheets[pair].status != SheetStatus.DRAFT
    )
    if refused:
        names = [
            str(sheet)
            for sheet in GradeSheet.objects.filter(pk__in=refused[:5]).select_related(
                "assessment__group", "assessment__discipline"
            )
        ]
        raise SheetLocked(
            _(
                "%(count)s sheets are submitted or locked: they are read-only until they are "
                "reopened (%(sheets)s)."
            )
            % {"count": len(refused), "sheets": "; ".join(names)}
        )
    if user is not None and not user.has_perm("sessions_app.enter_after_deadline"):
        late = ExamSession.objects.filter(pk__in=session_ids, entry_deadline__lt=today).first()
        if late is not None:
            raise SheetLocked(
                _(
                    "The entry deadline (%(date)s) has passed: only the dean's office head can "
                    "enter grades now."
                )
                % {"date": late.entry_deadline}
            )

    new_sheets = [
        GradeSheet(assessment_id=a_id, attempt=attempt, version=1)
        for a_id, attempt in sorted(touched - set(sheets))
    ]
    GradeSheet.objects.bulk_create(new_sheets, batch_size=IMPORT_BATCH)
    bumped = [sheets[pair].pk for pair in touched if pair in sheets]
    for chunk in _chunked(bumped, _IN_CHUNK):
        GradeSheet.objects.filter(pk__in=chunk).update(version=F("version") + 1, updated_at=now)
    counts["sheets"] = WriteCounts(len(new_sheets), len(bumped), len(sheets) - len(bumped))

    # A hundred thousand grades and as many audit rows: inserted as plain rows (COPY on
    # PostgreSQL), since building a model instance per row would cost most of the time.
    user_id = user.pk if user is not None else None
    at = Grade._meta.get_field("entered_at").get_db_prep_save(now, connection)
    _insert_rows(
        Grade,
        ["assessment", "student", "attempt", "value", "points", "entered_by", "entered_at"],
        (
            (key[0], key[1], key[2], value, None, user_id, at)
            for key, value, old in changes
            if old is None
        ),
    )
    updated = defaultdict(list)
    for _key, value, old in changes:
        if old is not None:
            updated[value].append(old[0])
    for value, pks in updated.items():
        for chunk in _chunked(pks, _IN_CHUNK):
            Grade.objects.filter(pk__in=chunk).update(
                value=value, points=None, entered_by=user, entered_at=now
            )
    _insert_rows(
        GradeChange,
        ["assessment", "student", "attempt", "old_value", "new_value", "old_points"]
        + ["new_points", "changed_by", "changed_at", "source", "reason"],
        (
            (*key, old[1] if old else "", value, old[2] if old else None)
            + (None, user_id, at, source, reason)
            for key, value, old in changes
        ),
    )
    counts["grades"].updated = sum(len(pks) for pks in updated.values())
    counts["grades"].created = len(changes) - counts["grades"].updated
    if changes:
        figures.changed(session_ids)
        outcomes.refresh(session_ids)
    return counts


def _insert_rows(model, fields, rows):
    """Insert rows of database-ready values, in the order of `fields`, in few round trips.

    For append-only bulk writes where model instances would cost more than the database: no
    save(), no signals (the portal has none), the database checks every constraint.
    """
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        raw = getattr(cursor, "cursor", cursor)
        if connection.vendor == "postgresql" and hasattr(raw, "copy_expert"):
            for batch in _chunked(rows, 50_000):
                buffer = io.StringIO()
                buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in batch)
                buffer.seek(0)
                raw.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            for batch in _chunked(rows, IMPORT_BATCH):
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch
                )


def _copy_text(value):
    # PostgreSQL's COPY text format: \N is NULL; backslash, tab and line breaks are escaped.
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text
