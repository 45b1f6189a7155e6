"""The examiner column of the results import: who examined each assessment, matched to the
teaching staff by name or added to them, checked against the rule that keeps a submitted or
locked main sheet's examiner (rules.refuse_examiner, through services.refused_examiners), and
written through the examiners' one writer (services.write_examiners).

- A name matches a staff member when their search keys are equal (portal.text.search_key: case,
  spaces, ё/е and the Kyrgyz letters ң ө ү aside), the project's one rule of when two names are
  one. When several staff members match, the one of the assessment's department (the group's
  program's graduating department) wins, then one of its faculty, then the oldest record: a
  deterministic choice, where a refusal would leave a dean's office no way to fix the file.
- A name nobody bears adds a StaffMember, once per name, in the department of the first
  assessment naming it (the program's department; the discipline's when the program has none;
  a row that gives neither is refused), with the least specific teaching position (a lecturer),
  no degree or title, and a generated personnel number; the import's counts say how many.
- A blank cell leaves the assessment's examiner as it is; an assessment the import creates takes
  its examiner as it is made (nothing changed, so no sheet event).

All of it in a fixed number of queries, whatever the file's size: the staff are read once.
"""

import secrets
from typing import NamedTuple

from django.utils.translation import gettext as _

from academics.choices import Position
from academics.models import Discipline, StaffMember
from portal.chunks import chunked
from portal.text import search_key

from .. import services
from ..rules import MAIN
from .resolve import New, faculty_of
from .results import RowError

# Added staff: the least specific teaching position (the academic department completes the
# record), and personnel numbers that say where they came from.
NEW_POSITION = Position.LECTURER
NUMBER_PREFIX = "И-"


class NewStaff(NamedTuple):
    """A staff member the import adds: the name as first written, their department (None when
    the file gives none) and the row that first names them."""

    name: str
    department_id: int | None
    row: int


class Candidate(NamedTuple):
    id: int
    department_id: int
    faculty_id: int


class Change(NamedTuple):
    """A stored assessment whose examiner the file changes: the id of its staff member or New."""

    key: object  # records.AssessmentKey
    assessment_id: int
    staff_id: object


def resolve_examiners(file, resolved):
    """Fill resolved.examiner_ids (AssessmentKey -> staff id or New) and resolved.new_staff."""
    if not file.examiners:
        return
    wanted = {facts.key for facts in file.examiners.values()}
    by_key = {}
    for pk, name, department_id, faculty_id in StaffMember.objects.order_by("pk").values_list(
        "pk", "full_name", "department_id", "department__faculty_id"
    ):
        key = search_key(name)
        if key in wanted:
            by_key.setdefault(key, []).append(Candidate(pk, department_id, faculty_id))
    departments = _departments(file, resolved)
    for assessment, facts in file.examiners.items():
        department_id = departments.get(assessment)
        candidates = by_key.get(facts.key)
        if candidates:
            faculty_id = faculty_of(file, resolved, assessment.group)
            best = min(
                candidates,
                key=lambda c: (c.department_id != department_id, c.faculty_id != faculty_id, c.id),
            )
            resolved.examiner_ids[assessment] = best.id
            continue
        new = resolved.new_staff.get(facts.key)
        if new is None or (new.department_id is None and department_id is not None):
            resolved.new_staff[facts.key] = NewStaff(
                new.name if new else facts.name, department_id, new.row if new else facts.row
            )
        resolved.examiner_ids[assessment] = New("staff", facts.key)


def _departments(file, resolved):
    """AssessmentKey -> the department of the assessment: its group's program's, else its
    discipline's (None when neither is known: a new program, a new discipline)."""
    program_departments = {p.id: p.department_id for p in resolved.programs.values()}
    discipline_ids = {
        resolved.discipline_ids[key.discipline]
        for key in file.examiners
        if resolved.discipline_ids[key.discipline].__class__ is int
    }
    discipline_departments = {}
    for chunk in chunked(discipline_ids):
        discipline_departments.update(
            Discipline.objects.filter(pk__in=chunk).values_list("pk", "department_id")
        )
    found = {}
    for key in file.examiners:
        group = resolved.groups.get(key.group)
        if group is not None:
            program_id = group.program_id
        else:
            program_id = resolved.program_ids[file.groups[key.group].program]
        department_id = program_departments.get(program_id)
        if department_id is None:
            department_id = discipline_departments.get(resolved.discipline_ids[key.discipline])
        found[key] = department_id
    return found


def check_examiners(file, resolved):
    """The file's examiners against the portal, each refusal on its row's examiner cell: a name
    to add with no department to add it to, an examiner the rule keeps (a submitted or locked
    main sheet). Returns the Changes of stored assessments."""
    for facts in resolved.new_staff.values():
        if facts.department_id is None:
            file.error(
                facts.row,
                "examiner",
                _(
                    "“%(name)s” is not among the teaching staff, and neither the program nor "
                    "the discipline has a department to add them to: add them to the teaching "
                    "staff first, or give the program its department"
                )
                % {"name": facts.name},
            )
    changes = changed_examiners(resolved)
    stored = {
        change.assessment_id: (
            resolved.stored_examiners[change.assessment_id],
            resolved.ledger.status(change.assessment_id, MAIN),
        )
        for change in changes
    }
    entries = [services.ExaminerEntry(c.assessment_id, c.staff_id) for c in changes]
    refusals = services.refused_examiners(entries, stored)
    for change in changes:
        refusal = refusals.get(change.assessment_id)
        if refusal is not None:
            facts = file.examiners[change.key]
            file.error(facts.row, "examiner", refusal.message, value=facts.name)
    return changes


def changed_examiners(resolved):
    """The Changes: stored assessments whose examiner the file names otherwise."""
    changes = []
    for key, staff_id in resolved.examiner_ids.items():
        assessment_id = resolved.assessment_ids[key]
        if assessment_id.__class__ is New:
            continue
        if staff_id != resolved.stored_examiners.get(assessment_id):
            changes.append(Change(key, assessment_id, staff_id))
    return changes


# Writing


def write_staff(resolved, ids):
    """Add the new staff members; their ids go into `ids` ({New: id})."""
    if not resolved.new_staff:
        return
    taken = set(
        StaffMember.objects.filter(personnel_number__startswith=NUMBER_PREFIX).values_list(
            "personnel_number", flat=True
        )
    )
    keys = list(resolved.new_staff)
    staff = [
        StaffMember(
            personnel_number=_personnel_number(taken),
            full_name=resolved.new_staff[key].name,
            department_id=resolved.new_staff[key].department_id,
            position=NEW_POSITION,
        )
        for key in keys
    ]
    StaffMember.objects.bulk_create(staff, batch_size=500)
    for key, member in zip(keys, staff, strict=True):
        ids[New("staff", key)] = member.pk


def _personnel_number(taken):
    """A personnel number no staff member holds: random (two imports running at once do not
    pick the same one) and checked against those stored."""
    while True:
        number = f"{NUMBER_PREFIX}{secrets.randbelow(10**12):012d}"
        if number not in taken:
            taken.add(number)
            return number


def new_examiner_id(resolved, key, ids):
    """The examiner id a new assessment is made with (None: the file names none)."""
    staff_id = resolved.examiner_ids.get(key)
    return ids.get(staff_id, staff_id)


def write_changes(file, changes, ids, user):
    """Change the stored assessments' examiners (the check's Changes) through their one writer.
    Returns the RowErrors of what it refused (the portal changed since the check; nothing is
    written then), or []."""
    entries = [
        services.ExaminerEntry(change.assessment_id, ids.get(change.staff_id, change.staff_id))
        for change in changes
    ]
    try:
        services.write_examiners(entries, user)
    except services.InvalidGrades as error:
        column = file.headers.label("examiner")
        return [
            RowError(file.examiners[change.key].row, column, error.errors[change.assessment_id])
            for change in changes
            if change.assessment_id in error.errors
        ]
    return []
