"""The one writer of an assessment's examiner: the grade sheet page (set_examiner) and the results
import (write_examiners) both come through here. Under the sessions' row locks, as every write of
a sheet: the user's faculty, then the rule (rules.refuse_examiner: not while the main sheet is
submitted or locked); each change raises the main sheet's version (made when missing, as a change
of state makes it) and leaves a SheetEvent saying who the examiner was and who it is now."""

from typing import NamedTuple

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from academics.models import StaffMember
from portal.chunks import chunked

from .. import figures, rules
from ..choices import SheetAction
from ..ledger import lock_sessions
from ..models import Assessment, GradeSheet, SheetEvent
from .errors import InvalidGrades, SheetLocked, StaleSheet
from .grades import check_faculties


class ExaminerEntry(NamedTuple):
    """The examiner wanted for an assessment: a StaffMember's id, or None for no examiner."""

    assessment_id: int
    staff_id: int | None


class StoredExaminer(NamedTuple):
    session_id: int
    faculty_id: int
    examiner_id: int | None
    main_status: str  # "" while the main sheet is not made
    main_version: int


def refused_examiners(entries, stored):
    """{assessment id: rules.Refusal} of the entries that would change an examiner the rule keeps.
    `stored`: assessment id -> (its examiner id, its main sheet's status, "" when not made)."""
    refusals = {}
    for entry in entries:
        examiner_id, main_status = stored[entry.assessment_id]
        if entry.staff_id != examiner_id:
            refusal = rules.refuse_examiner(main_status)
            if refusal is not None:
                refusals[entry.assessment_id] = refusal
    return refusals


def _stored(assessment_ids):
    """assessment id -> StoredExaminer, read under the sessions' locks (taken here first)."""
    session_ids = set()
    for chunk in chunked(assessment_ids):
        session_ids.update(
            Assessment.objects.filter(pk__in=chunk).values_list("session_id", flat=True)
        )
    lock_sessions(session_ids)
    stored, sheets = {}, {}
    for chunk in chunked(assessment_ids):
        sheets.update(
            (assessment_id, (status, version))
            for assessment_id, status, version in GradeSheet.objects.filter(
                assessment_id__in=chunk, attempt=rules.MAIN
            ).values_list("assessment_id", "status", "version")
        )
        for pk, session_id, faculty_id, examiner_id in Assessment.objects.filter(
            pk__in=chunk
        ).values_list("pk", "session_id", "group__program__faculty_id", "examiner_id"):
            status, version = sheets.get(pk, ("", 0))
            stored[pk] = StoredExaminer(session_id, faculty_id, examiner_id, status, version)
    return stored


@transaction.atomic
def write_examiners(entries, user):
    """Set the examiners of many assessments at once (ExaminerEntry), or none: InvalidGrades
    keyed by assessment id when the rule refuses any. Returns the number changed."""
    entries = {entry.assessment_id: entry for entry in entries}
    if not entries:
        return 0
    stored = _stored(list(entries))
    check_faculties(
        user,
        {stored[pk].faculty_id for pk in entries},
        _("You cannot change the examiner of this group's assessment."),
    )
    refusals = refused_examiners(
        entries.values(), {pk: (s.examiner_id, s.main_status) for pk, s in stored.items()}
    )
    if refusals:
        raise InvalidGrades({pk: str(refusal) for pk, refusal in refusals.items()}, dict(refusals))
    changes = [
        entry
        for entry in entries.values()
        if entry.staff_id != stored[entry.assessment_id].examiner_id
    ]
    if changes:
        _write(changes, stored, user)
    return len(changes)


def _write(changes, stored, user):
    now = timezone.now()
    staff_ids = {entry.staff_id for entry in changes}
    staff_ids |= {stored[entry.assessment_id].examiner_id for entry in changes}
    names = dict(
        StaffMember.objects.filter(pk__in=staff_ids - {None}).values_list("pk", "full_name")
    )
    Assessment.objects.bulk_update(
        [Assessment(pk=entry.assessment_id, examiner_id=entry.staff_id) for entry in changes],
        ["examiner"],
        batch_size=500,
    )
    ids = [entry.assessment_id for entry in changes]
    # A change of the examiner is a change of the main sheet: a page opened before it is stale.
    GradeSheet.objects.bulk_create(
        [
            GradeSheet(assessment_id=pk, attempt=rules.MAIN, version=0)
            for pk in ids
            if not stored[pk].main_status
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    sheet_ids = {}
    for chunk in chunked(ids):
        sheets = GradeSheet.objects.filter(assessment_id__in=chunk, attempt=rules.MAIN)
        sheets.update(version=F("version") + 1, updated_at=now)
        sheet_ids.update(sheets.values_list("assessment_id", "pk"))
    SheetEvent.objects.bulk_create(
        [
            SheetEvent(
                sheet_id=sheet_ids[entry.assessment_id],
                action=SheetAction.EXAMINER,
                by=user,
                at=now,
                reason=_change_text(names, stored[entry.assessment_id].examiner_id, entry.staff_id),
            )
            for entry in changes
        ],
        batch_size=500,
    )
    # The examiners' report reads who graded what.
    figures.changed({stored[pk].session_id for pk in ids})


def _change_text(names, old_id, new_id):
    def name(pk):
        return names.get(pk, "—") if pk is not None else "—"

    return f"{name(old_id)} → {name(new_id)}"[:250]


def set_examiner(assessment, staff, user, version=None):
    """Set the examiner of `assessment` to `staff` (a StaffMember, or None for none), as the grade
    sheet page does. `version`: the main sheet's version the page showed; a change made since
    refuses the save (StaleSheet), unless the examiner is already the one wanted. Raises
    PermissionDenied, SheetLocked (the rule) or StaleSheet; returns whether it changed."""
    staff_id = staff.pk if staff is not None else None
    with transaction.atomic():
        stored = _stored([assessment.pk])[assessment.pk]
        check_faculties(
            user,
            [stored.faculty_id],
            _("You cannot change the examiner of this group's assessment."),
        )
        if stored.examiner_id == staff_id:
            return False
        if version is not None and version != stored.main_version:
            raise StaleSheet(
                _(
                    "Someone changed this sheet after you opened it: check its examiner and "
                    "choose again."
                ),
                current=stored.examiner_id,
            )
        try:
            write_examiners([ExaminerEntry(assessment.pk, staff_id)], user)
        except InvalidGrades as error:
            raise SheetLocked(error.errors[assessment.pk]) from None
    assessment.examiner = staff
    return True
