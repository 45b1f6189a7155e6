"""What the import would create, update and leave as it is (the dry run's preview, and the counts
of a real import until the writers report theirs), and the structure's updates the write makes:
a program's name, a group's year of study, a student's name, funding and group (an assessment's
examiner and the staff the import adds: importer.examiners)."""

from dataclasses import dataclass, field

from academics.models import (
    AcademicYear,
    Discipline,
    Faculty,
    Program,
    StaffMember,
    Student,
    StudyGroup,
)

from ..models import Admission, Assessment, ExamSession, Grade, GradeSheet
from ..services import WriteCounts
from .resolve import New
from .results import COUNTED_MODELS


@dataclass
class Plan:
    counts: dict  # model -> WriteCounts
    program_names: dict = field(default_factory=dict)  # program id -> its name in the file
    years_of_study: dict = field(default_factory=dict)  # group id -> year of study
    # record book -> records.StudentFacts: the student's name, funding and group now
    students: dict = field(default_factory=dict)


def _count(counts, model, created=False, updated=False):
    target = counts[model]
    if created:
        target.created += 1
    elif updated:
        target.updated += 1
    else:
        target.unchanged += 1


def plan(file, resolved, checked):
    result = Plan({model: WriteCounts() for model in COUNTED_MODELS})
    counts = result.counts
    for year in {session.year for session in file.sessions}:
        _count(counts, AcademicYear, created=year not in resolved.year_ids)
    for ids, model in (
        (resolved.faculty_ids, Faculty),
        (resolved.discipline_ids, Discipline),
        (resolved.session_ids, ExamSession),
    ):
        for pk in ids.values():
            _count(counts, model, created=isinstance(pk, New))
    # An assessment whose examiner the file changes is updated; the staff the file adds, created.
    reexamined = {change.assessment_id for change in checked.examiners}
    for pk in resolved.assessment_ids.values():
        _count(counts, Assessment, created=isinstance(pk, New), updated=pk in reexamined)
    counts[StaffMember].created = len(resolved.new_staff)
    _plan_programs(file, resolved, result)
    _plan_groups(file, resolved, result)
    _plan_students(file, resolved, result)
    _plan_marks(resolved, checked, counts)
    return result


def _plan_programs(file, resolved, result):
    for key, program in file.programs.items():
        stored = resolved.programs.get(key)
        if stored is None:
            _count(result.counts, Program, created=True)
        elif program.code and program.name != stored.name:
            result.program_names[stored.id] = program.name
            _count(result.counts, Program, updated=True)
        else:
            _count(result.counts, Program)


def _plan_groups(file, resolved, result):
    for key, group in file.groups.items():
        stored = resolved.groups.get(key)
        if stored is None:
            _count(result.counts, StudyGroup, created=True)
        elif group.year_of_study is not None and group.year_of_study != stored.year_of_study:
            result.years_of_study[stored.id] = group.year_of_study
            _count(result.counts, StudyGroup, updated=True)
        else:
            _count(result.counts, StudyGroup)


def _plan_students(file, resolved, result):
    """A student's group, name and funding follow the file when it is about the student's
    current year (or a later one); an older year's file only fills in that year's results."""
    for record_book, student in file.students.items():
        stored = resolved.students.get(record_book)
        if stored is None:
            _count(result.counts, Student, created=True)
            continue
        group_id = resolved.group_ids[student.group]
        if student.latest.year >= stored.year and (student.name, student.funding, group_id) != (
            stored.name,
            stored.funding,
            stored.group_id,
        ):
            result.students[record_book] = student
            _count(result.counts, Student, updated=True)
        else:
            _count(result.counts, Student)


def _plan_marks(resolved, checked, counts):
    """Admissions, grades and sheets as the writers will count them (from the same checks);
    an import that writes without checking first takes the writers' own counts."""
    if checked.grades.changes is None:
        return
    admissions = checked.admissions
    created = sum(1 for change in admissions.changes if change.stored is None)
    counts[Admission] = WriteCounts(
        created, len(admissions.changes) - created, admissions.unchanged
    )
    grades = checked.grades
    updated = sum(1 for change in grades.changes if change.stored is not None)
    counts[Grade] = WriteCounts(len(grades.changes) - updated, updated, grades.unchanged)
    # The sheets of the assessments the grades are in: made where a grade changes on a sheet
    # not made yet, their version raised where one is.
    graded = {entry.assessment_id for entry in grades.entries}
    sheets = {pair for pair in resolved.ledger.sheets if pair[0] in graded}
    touched = {(change.entry.assessment_id, change.entry.attempt) for change in grades.changes}
    bumped = len(touched & sheets)
    counts[GradeSheet] = WriteCounts(len(touched) - bumped, bumped, len(sheets) - bumped)
