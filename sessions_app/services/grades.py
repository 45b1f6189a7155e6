"""The one writer of grades. The grade sheet page (record_grades), the results import, the demo
and any code write through write_grades or record_grades, which share one check (check_grades,
the rules of sessions_app.rules against what is stored, under the sessions' row locks) and one
write (_write: the grades, their audit rows, the sheets' versions, the students' stored
outcomes and the session figures' version)."""

from collections import defaultdict
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from academics.querysets import can_edit_grades
from portal.chunks import chunked

from .. import figures, outcomes, rules
from ..choices import ChangeSource
from ..ledger import Ledger, facts_of, lock_sessions
from ..models import Assessment, Grade, GradeChange, GradeSheet
from .admissions import ensure_admissions
from .bulk import db_value, insert_rows
from .errors import InvalidGrades, Saved, SheetError, SheetLocked, StaleSheet, WriteCounts
from .merge import merge

DEFAULT_POINTS_SCALE = [(87, "5"), (74, "4"), (61, "3"), (0, "2")]
# Above this many grades changed at once, the changes are written by value rather than row by
# row, and the stored outcomes of whole sessions are recomputed (one statement each).
BULK_THRESHOLD = 500


def points_to_value(points):
    """Convert 0–100 points to 5…2 by the scale in settings.GRADE_POINTS_SCALE."""
    scale = getattr(settings, "GRADE_POINTS_SCALE", DEFAULT_POINTS_SCALE)
    for threshold, value in sorted(scale, reverse=True):
        if points >= threshold:
            return value
    return "2"


class GradeEntry(NamedTuple):
    """A grade to write: `value` "" clears it; `points` (0–100) when it was given in points."""

    assessment_id: object
    student_id: object
    attempt: str
    value: str
    points: int | None = None

    @property
    def key(self):
        return (self.assessment_id, self.student_id, self.attempt)


class Change(NamedTuple):
    entry: GradeEntry
    stored: object  # ledger.GradeFacts, None for a new grade


def _unchanged(entry, stored):
    if stored is None:
        return not entry.value
    if entry.value != stored.value:
        return False
    # A grade retyped without its points keeps them.
    return entry.points is None or entry.points == stored.points


def passed_deadlines(deadlines, user, today):
    """{session id: deadline} of the sessions whose entry deadline has passed for `user`."""
    if user is None or user.has_perm("sessions_app.enter_after_deadline"):
        return {}
    return {pk: day for pk, day in deadlines.items() if day is not None and today > day}


def check_grades(ledger, entries, deadlines):
    """The entries that change a stored grade, and the refusals of the rules, keyed by
    GradeEntry.key. Each entry is checked with the other attempt as the same batch leaves it (an
    import's retake row against its main row): the АКЖ grades first, against the batch's main
    grades; then the main grades, against the batch's АКЖ grades that were not refused — a
    refused one says why on its own. `deadlines`: passed_deadlines()."""
    wanted, refusals = {}, {}
    for entry in entries:
        if entry.key in wanted:
            refusals[entry.key] = rules.Refusal("duplicate", _("The same grade is given twice."))
        wanted[entry.key] = entry
    changes, unchanged = [], 0
    # An import checks a hundred thousand grades, most of them alike (an admitted student, no
    # other attempt, an open sheet): the rules' answer is kept per distinct question.
    answers, statuses = {}, {}
    ordered = sorted(wanted.items(), key=lambda item: item[1].attempt != rules.RETAKE)
    for key, entry in ordered:
        stored = ledger.grade(*key)
        if _unchanged(entry, stored):
            unchanged += 1
            continue
        facts = ledger.assessments.get(entry.assessment_id)
        if facts is None:
            raise SheetError(_("No assessment %(id)s.") % {"id": entry.assessment_id})
        standing = ledger.standing(entry.assessment_id, entry.student_id)
        other = rules.RETAKE if entry.attempt == rules.MAIN else rules.MAIN
        paired_key = (entry.assessment_id, entry.student_id, other)
        paired = wanted.get(paired_key)
        if paired is not None and paired_key not in refusals:
            standing = standing.with_grade(other, paired.value)
        sheets = statuses.get(entry.assessment_id)
        if sheets is None:
            sheets = statuses[entry.assessment_id] = ledger.statuses(entry.assessment_id)
        question = (
            facts.kind,
            facts.discipline,
            standing,
            entry.attempt,
            entry.value,
            sheets[rules.MAIN],
            sheets[rules.RETAKE],
            deadlines.get(facts.session_id),
        )
        try:
            refusal = answers[question]
        except KeyError:
            refusal = answers[question] = rules.refuse_grade(
                facts.kind,
                facts.discipline,
                standing,
                entry.attempt,
                entry.value,
                sheets,
                deadlines.get(facts.session_id),
            )
        if refusal is not None:
            refusals.setdefault(key, refusal)
        else:
            changes.append(Change(entry, stored))
    return changes, refusals, unchanged


def raise_refusals(refusals, key=lambda k: k):
    """Nothing is written when any entry is refused: the sheet's state or deadline as a whole
    (SheetLocked), else each entry's reason (InvalidGrades, keyed by `key`)."""
    if not refusals:
        return
    whole = sorted({str(r) for r in refusals.values() if r.whole_sheet})
    if whole:
        raise SheetLocked(" ".join(whole))
    raise InvalidGrades(
        {key(k): str(r) for k, r in refusals.items()},
        {key(k): r for k, r in refusals.items()},
    )


def check_faculties(user, faculty_ids, message):
    if user is None:
        return
    for faculty_id in faculty_ids:
        if not can_edit_grades(user, faculty_id):
            raise PermissionDenied(message)


@transaction.atomic
def write_grades(entries, user, source=ChangeSource.IMPORT, reason="", today=None):
    """Write many grades at once (GradeEntry), or nothing: the bulk path of the one writer.

    Under the sessions' row locks: the user's faculty, then the rules for every entry that
    changes a stored grade. Returns {"grades": WriteCounts, "sheets": WriteCounts}.
    """
    entries = list(entries)
    if not entries:
        return {"grades": WriteCounts(), "sheets": WriteCounts()}
    assessment_ids = {entry.assessment_id for entry in entries}
    session_ids = set()
    for chunk in chunked(assessment_ids):
        session_ids.update(
            Assessment.objects.filter(pk__in=chunk).values_list("session_id", flat=True)
        )
    deadlines = lock_sessions(session_ids)
    ledger = Ledger.load(assessment_ids, student_ids={entry.student_id for entry in entries})
    check_faculties(
        user,
        {facts.faculty_id for facts in ledger.assessments.values()},
        _("You cannot enter grades for this group."),
    )
    today = today or timezone.localdate()
    changes, refusals, unchanged = check_grades(
        ledger, entries, passed_deadlines(deadlines, user, today)
    )
    raise_refusals(refusals)
    sheets = _write(ledger, changes, user, source, reason)
    updated = sum(1 for change in changes if change.stored is not None)
    return {
        "grades": WriteCounts(len(changes) - updated, updated, unchanged),
        "sheets": sheets,
    }


def _typed(raw):
    """(value, points) of a page's entry: a value, "" to clear, or points (an int 0–100)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        if not 0 <= raw <= 100:
            raise ValueError(raw)
        return points_to_value(raw), raw
    return (raw or "").strip().lower(), None


@transaction.atomic
def record_grades(
    sheet, entries, user, version, originals=None, source=ChangeSource.PAGE, reason="", today=None
):
    """Save one sheet's grades at once, or nothing: the grade sheet page's path.

    `entries` maps student id -> value ("5", "4", "3", "2", "absent", "pass", "fail", "" to
    clear) or points (an int 0–100, converted by the scale). `originals` maps student id -> the
    value (or points) the page showed when it was loaded: with it, a save after someone else's is
    merged (services.merge: Conflicts where both changed a cell); without it, a save against an
    older `version` is refused as StaleSheet. Returns Saved.
    """
    assessment = Assessment.objects.select_related("session", "group__program", "discipline").get(
        pk=sheet.assessment_id
    )
    deadlines = lock_sessions([assessment.session_id])
    check_faculties(
        user, [assessment.group.program.faculty_id], _("You cannot enter grades for this group.")
    )
    if sheet.attempt == rules.MAIN:
        # The sheet lists the group's contingent: a student who joined the group joins it.
        ensure_admissions(assessment.session, assessment.group, user, source)
    ledger = Ledger.load([assessment.pk], known=[facts_of(assessment)])
    attempt = sheet.attempt
    current = {}
    for student_id in ledger.contingent(assessment.session_id, assessment.group_id):
        grade = ledger.grade(assessment.pk, student_id, attempt)
        current[student_id] = (grade.value, grade.points) if grade else ("", None)
    wanted, errors = {}, {}
    for student_id, raw in entries.items():
        try:
            wanted[student_id] = _typed(raw)
        except ValueError:
            errors[student_id] = _("Points must be from 0 to 100, on a graded assessment.")
    if errors:
        raise InvalidGrades(errors)
    others = 0
    if originals is not None:
        started = {student_id: _typed(raw) for student_id, raw in originals.items()}
        wanted, others = merge(wanted, started, current, ("", None))
    elif version != ledger.version(assessment.pk, attempt):
        raise StaleSheet(
            _(
                "Someone else saved this sheet after you opened it: nothing was saved. The sheet "
                "now shows what is stored; enter your changes again."
            ),
            {student_id: value for student_id, (value, _points) in current.items()},
        )
    batch = [
        GradeEntry(assessment.pk, student_id, attempt, value, points)
        for student_id, (value, points) in wanted.items()
    ]
    changes, refusals, _unchanged_count = check_grades(
        ledger, batch, passed_deadlines(deadlines, user, today or timezone.localdate())
    )
    raise_refusals(refusals, key=lambda k: k[1])
    _write(ledger, changes, user, source, reason)
    return Saved(len(changes), others)


def _write(ledger, changes, user, source, reason):
    """Write checked changes: the sheets they lie on (made when missing, each version raised
    once), the grades, an audit row each, and what depends on them. Returns the sheets'
    WriteCounts."""
    if not changes:
        return WriteCounts(unchanged=len(ledger.sheets))
    now = timezone.now()
    sheets = _touch_sheets(ledger, {(c.entry.assessment_id, c.entry.attempt) for c in changes}, now)
    user_id = user.pk if user is not None else None
    at = db_value(Grade, "entered_at", now)
    insert_rows(
        Grade,
        ["assessment", "student", "attempt", "value", "points", "entered_by", "entered_at"],
        (
            (*c.entry.key, c.entry.value, c.entry.points, user_id, at)
            for c in changes
            if c.stored is None
        ),
    )
    _update_grades([c for c in changes if c.stored is not None and c.entry.value], user, now)
    cleared = [c.stored.id for c in changes if c.stored is not None and not c.entry.value]
    for chunk in chunked(cleared):
        Grade.objects.filter(pk__in=chunk).delete()
    insert_rows(
        GradeChange,
        ["assessment", "student", "attempt", "old_value", "new_value", "old_points"]
        + ["new_points", "changed_by", "changed_at", "source", "reason"],
        (
            (
                *c.entry.key,
                c.stored.value if c.stored else "",
                c.entry.value,
                c.stored.points if c.stored else None,
                c.entry.points,
                user_id,
                at,
                source,
                reason,
            )
            for c in changes
        ),
    )
    session_ids = {ledger.assessments[c.entry.assessment_id].session_id for c in changes}
    students = {c.entry.student_id for c in changes}
    figures.changed(session_ids)
    outcomes.refresh(session_ids, None if len(students) > BULK_THRESHOLD * 10 else students)
    return sheets


def _touch_sheets(ledger, touched, now):
    """Make the sheets that do not exist yet (version 1) and raise the others' version once."""
    new = [
        GradeSheet(assessment_id=assessment_id, attempt=attempt, version=1)
        for assessment_id, attempt in sorted(touched)
        if (assessment_id, attempt) not in ledger.sheets
    ]
    GradeSheet.objects.bulk_create(new, batch_size=2000)
    bumped = [ledger.sheets[pair].id for pair in touched if pair in ledger.sheets]
    for chunk in chunked(bumped):
        GradeSheet.objects.filter(pk__in=chunk).update(version=F("version") + 1, updated_at=now)
    return WriteCounts(len(new), len(bumped), len(ledger.sheets) - len(bumped))


def _update_grades(changes, user, now):
    if len(changes) <= BULK_THRESHOLD:
        Grade.objects.bulk_update(
            [
                Grade(
                    pk=c.stored.id,
                    value=c.entry.value,
                    points=c.entry.points,
                    entered_by=user,
                    entered_at=now,
                )
                for c in changes
            ],
            ["value", "points", "entered_by", "entered_at"],
        )
        return
    # Many at once: one UPDATE per value, rather than a CASE over every row.
    by_value = defaultdict(list)
    for c in changes:
        by_value[(c.entry.value, c.entry.points)].append(c.stored.id)
    for (value, points), pks in by_value.items():
        for chunk in chunked(pks):
            Grade.objects.filter(pk__in=chunk).update(
                value=value, points=points, entered_by=user, entered_at=now
            )
