"""What the portal holds of what the file names: the id of each faculty, program, group, student,
discipline, session and assessment that exists, and a placeholder (New) for each that the import
will create; and the Ledger the rules check the file against, with the new assessments in it.

A fixed number of queries, whatever the file's size (in chunks below SQLite's bound parameters).
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from academics.models import AcademicYear, Discipline, Faculty, Program, Student, StudyGroup
from academics.widgets import normalize
from portal.chunks import chunked

from ..ledger import AssessmentFacts, Ledger
from ..models import Assessment, ExamSession
from ..rules import MAIN
from .records import GroupKey, ProgramKey, SessionKey


class New(NamedTuple):
    """The id of something the import will create, named by its key in the file."""

    model: str
    key: object


class StoredProgram(NamedTuple):
    id: int
    name: str
    faculty_id: int
    department_id: int | None = None  # the graduating department


class StoredGroup(NamedTuple):
    id: int
    program_id: int
    year_of_study: int


class StoredStudent(NamedTuple):
    id: int
    name: str
    funding: str
    group_id: int
    year: int  # the start year of the student's group
    faculty_id: int


class StoredSession(NamedTuple):
    id: int
    deadline: object  # the entry deadline, or None


@dataclass
class Resolved:
    # The portal's own records of what the file names (those that exist).
    faculty_names: dict = field(default_factory=dict)  # id -> name
    faculty_codes: set = field(default_factory=set)
    year_ids: dict = field(default_factory=dict)  # start year -> id
    programs: dict = field(default_factory=dict)  # ProgramKey -> StoredProgram
    program_labels: dict = field(default_factory=dict)  # program id -> "code name"
    program_faculties: dict = field(default_factory=dict)  # program id -> faculty id
    groups: dict = field(default_factory=dict)  # GroupKey -> StoredGroup
    students: dict = field(default_factory=dict)  # record book -> StoredStudent
    sessions: dict = field(default_factory=dict)  # SessionKey -> StoredSession
    # Each key of the file -> its id, or New.
    faculty_ids: dict = field(default_factory=dict)
    program_ids: dict = field(default_factory=dict)
    group_ids: dict = field(default_factory=dict)
    student_ids: dict = field(default_factory=dict)
    discipline_ids: dict = field(default_factory=dict)
    session_ids: dict = field(default_factory=dict)
    assessment_ids: dict = field(default_factory=dict)
    ledger: Ledger | None = None
    # The examiners the file names (importer.examiners): stored assessment id -> its examiner id;
    # AssessmentKey -> StaffMember id or New; name key -> NewStaff.
    stored_examiners: dict = field(default_factory=dict)
    examiner_ids: dict = field(default_factory=dict)
    new_staff: dict = field(default_factory=dict)

    def deadlines(self):
        return {session.id: session.deadline for session in self.sessions.values()}


def _ids(keys, stored, model):
    return {key: stored[key] if key in stored else New(model, key) for key in keys}


def resolve(file):
    """The Resolved of a ResultFile: ids, placeholders and the Ledger."""
    resolved = Resolved()
    _faculties(file, resolved)
    _programs_and_groups(file, resolved)
    _students(file, resolved)
    stored = {}
    for discipline_id, name in Discipline.objects.order_by("pk").values_list("id", "name"):
        stored.setdefault(normalize(name), discipline_id)
    resolved.discipline_ids = _ids(file.disciplines, stored, "discipline")
    resolved.sessions = {
        SessionKey(year, term): StoredSession(session_id, deadline)
        for session_id, year, term, deadline in ExamSession.objects.filter(
            academic_year__start_year__in=resolved.year_ids
        ).values_list("id", "academic_year__start_year", "term", "entry_deadline")
    }
    resolved.session_ids = _ids(
        file.sessions, {key: s.id for key, s in resolved.sessions.items()}, "session"
    )
    _assessments(file, resolved)
    resolved.ledger = _ledger(file, resolved)
    return resolved


def _faculties(file, resolved):
    lookup = {}
    rows = list(Faculty.objects.values_list("id", "name", "short_name", "code"))
    for faculty_id, name, _short_name, _code in rows:
        resolved.faculty_names[faculty_id] = name
        lookup.setdefault(normalize(name), faculty_id)
    # A name wins over a short name, which wins over a code.
    for faculty_id, _name, short_name, _code in rows:
        if short_name:
            lookup.setdefault(normalize(short_name), faculty_id)
    for faculty_id, _name, _short_name, code in rows:
        if code:
            lookup.setdefault(normalize(code), faculty_id)
    resolved.faculty_codes = {code for *_rest, code in rows}
    resolved.faculty_ids = _ids(file.faculties, lookup, "faculty")


def _programs_and_groups(file, resolved):
    for (
        program_id,
        code,
        name,
        level,
        form,
        faculty_id,
        department_id,
    ) in Program.objects.values_list(
        "id", "code", "name", "level", "form", "faculty_id", "department_id"
    ):
        key = ProgramKey(code, level, form, "" if code else normalize(name))
        resolved.programs[key] = StoredProgram(program_id, name, faculty_id, department_id)
        resolved.program_labels[program_id] = f"{code} {name}".strip()
        resolved.program_faculties[program_id] = faculty_id
    resolved.program_ids = _ids(
        file.programs, {key: p.id for key, p in resolved.programs.items()}, "program"
    )
    years = {session.year for session in file.sessions}
    resolved.year_ids = dict(
        AcademicYear.objects.filter(start_year__in=years).values_list("start_year", "id")
    )
    resolved.groups = {
        GroupKey(year, name): StoredGroup(group_id, program_id, year_of_study)
        for group_id, year, name, program_id, year_of_study in StudyGroup.objects.filter(
            academic_year__start_year__in=years
        ).values_list("id", "academic_year__start_year", "name", "program_id", "year_of_study")
    }
    resolved.group_ids = _ids(
        file.groups, {key: g.id for key, g in resolved.groups.items()}, "group"
    )


def _students(file, resolved):
    for chunk in chunked(file.students):
        for record_book, *stored in Student.objects.filter(record_book__in=chunk).values_list(
            "record_book",
            "id",
            "full_name",
            "funding",
            "group_id",
            "group__academic_year__start_year",
            "group__program__faculty_id",
        ):
            resolved.students[record_book] = StoredStudent(*stored)
    resolved.student_ids = _ids(
        file.students, {rb: s.id for rb, s in resolved.students.items()}, "student"
    )


def _assessments(file, resolved):
    session_ids = [s.id for s in resolved.sessions.values()]
    stored = {}
    for chunk in chunked(session_ids):
        for assessment_id, examiner_id, *key in Assessment.objects.filter(
            session_id__in=chunk
        ).values_list("id", "examiner_id", "session_id", "group_id", "discipline_id", "kind"):
            stored[tuple(key)] = assessment_id
            resolved.stored_examiners[assessment_id] = examiner_id
    ids = {}
    for key in file.assessments:
        found = stored.get(
            (
                resolved.session_ids[key.session],
                resolved.group_ids[key.group],
                resolved.discipline_ids[key.discipline],
                key.kind,
            )
        )
        ids[key] = found if found is not None else New("assessment", key)
    resolved.assessment_ids = ids


def _ledger(file, resolved):
    """The stored assessments of the file's groups in its sessions, their sheets, and the
    admissions and grades of the file's students in them; the groups that students the file
    moves leave; and the assessments the file will create, with nothing stored."""
    student_ids = [student.id for student in resolved.students.values()]
    groups = {
        (resolved.session_ids[key.session], resolved.group_ids[key.group])
        for key in file.assessments
    }
    ledger = Ledger.load(groups=groups, student_ids=student_ids)
    left = set()
    for key in file.admissions:
        session_id = resolved.session_ids[key.session]
        main = ledger.admission(session_id, resolved.student_ids[key.record_book], MAIN)
        if main is not None:
            left.add((session_id, main.group_id))
    ledger.add_groups(left - groups, student_ids)
    for key, assessment_id in resolved.assessment_ids.items():
        if isinstance(assessment_id, New):
            ledger.add_assessment(
                AssessmentFacts(
                    assessment_id,
                    key.kind,
                    resolved.group_ids[key.group],
                    faculty_of(file, resolved, key.group),
                    resolved.session_ids[key.session],
                    file.disciplines[key.discipline],
                )
            )
    return ledger


def faculty_of(file, resolved, group_key):
    group = resolved.groups.get(group_key)
    if group is not None:
        return resolved.program_faculties[group.program_id]
    return resolved.faculty_ids[file.programs[file.groups[group_key].program].faculty_key]
