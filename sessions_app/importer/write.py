"""Writing a checked file, all of it or nothing, in one transaction: the structure first, in bulk
(academic years, faculties, programs, groups, disciplines, students, the staff the examiner
column adds, sessions, assessments), then the admissions, the grades and the stored assessments'
examiners through their one writer each (services.write_admissions, services.write_grades,
services.write_examiners), which check the rules again under the sessions' locks and keep the
audit."""

import time

from django.db import connection, transaction
from django.utils.text import slugify

from academics.models import AcademicYear, Discipline, Faculty, Program, Student, StudyGroup

from .. import figures, services
from ..choices import ChangeSource
from ..models import Admission, Assessment, ExamSession, Grade, GradeSheet
from .examiners import new_examiner_id, write_changes, write_staff
from .resolve import New
from .results import RowError

BATCH = services.IMPORT_BATCH
ANALYZE_AFTER = 10_000  # grades written by one import


class RowsRefused(Exception):
    """A writer refused rows after the checks had passed (the portal changed in between):
    nothing was written. `errors` holds a RowError for each."""

    def __init__(self, errors):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


def write(file, resolved, checked, plan, user, today, timings):
    """Write everything, or nothing (RowsRefused, or the writers' SheetError and
    PermissionDenied). Returns the writers' counts by model."""
    with transaction.atomic():
        started = time.perf_counter()
        ids = _write_structure(file, resolved, plan)
        timings["write: structure"] = time.perf_counter() - started
        started = time.perf_counter()
        entries = [_real_admission(entry, ids) for entry in checked.admissions.entries]
        try:
            admissions = services.write_admissions(entries, user)
        except services.InvalidGrades as error:
            raise RowsRefused(_refused_rows(file, resolved, ids, error, "admitted")) from None
        timings["write: admissions"] = time.perf_counter() - started
        started = time.perf_counter()
        entries = [_real_grade(entry, ids) for entry in checked.grades.entries]
        try:
            grades = services.write_grades(entries, user, source=ChangeSource.IMPORT, today=today)
        except services.InvalidGrades as error:
            raise RowsRefused(_refused_rows(file, resolved, ids, error, "grade")) from None
        timings["write: grades"] = time.perf_counter() - started
        started = time.perf_counter()
        refused = write_changes(file, checked.examiners, ids, user)
        if refused:
            raise RowsRefused(refused)
        timings["write: examiners"] = time.perf_counter() - started
        if plan.students:
            # Students changed group or funding: every session's figures may differ. (The
            # sessions whose grades or admissions changed were marked by the writers.)
            figures.changed()
        if connection.vendor == "postgresql" and len(entries) >= ANALYZE_AFTER:
            # Until autovacuum gets to it, the planner would take the tables for as small as
            # they were: a report over a freshly imported session measured 124 s instead of
            # 60 ms before ANALYZE.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE sessions_app_grade, sessions_app_admission")
    return {Admission: admissions, Grade: grades["grades"], GradeSheet: grades["sheets"]}


def _real_admission(entry, ids):
    if New in (entry.session_id.__class__, entry.student_id.__class__, entry.group_id.__class__):
        return entry._replace(
            session_id=ids.get(entry.session_id, entry.session_id),
            student_id=ids.get(entry.student_id, entry.student_id),
            group_id=ids.get(entry.group_id, entry.group_id),
        )
    return entry


def _real_grade(entry, ids):
    if entry.assessment_id.__class__ is New or entry.student_id.__class__ is New:
        return services.GradeEntry(
            ids.get(entry.assessment_id, entry.assessment_id),
            ids.get(entry.student_id, entry.student_id),
            entry.attempt,
            entry.value,
            entry.points,
        )
    return entry


def _refused_rows(file, resolved, ids, error, column):
    """The rows of the entries a writer refused (its keys hold the ids written)."""

    def real(pk):
        return ids.get(pk, pk)

    found = []
    for row in file.rows:
        if column == "grade":
            if not row.mark.grade:
                continue
            first = resolved.assessment_ids[row.assessment]
        else:
            first = resolved.session_ids[row.enrolment.session]
        key = (real(first), real(resolved.student_ids[row.enrolment.record_book]), row.mark.attempt)
        if key in error.errors:
            found.append(RowError(row.row, file.headers.label(column), str(error.errors[key])))
    return found or [RowError(None, "", str(error))]


# The structure


def _created(model, objects):
    """Insert in bulk; the databases the portal runs on (PostgreSQL, SQLite 3.35+) return the
    new rows' ids."""
    model.objects.bulk_create(objects, batch_size=BATCH)
    return objects


def _write_structure(file, resolved, plan):
    """Create what is new and update what changed; returns {New: id} of everything created."""
    ids = {}
    year_ids = dict(resolved.year_ids)
    years = sorted({session.year for session in file.sessions} - set(year_ids))
    for year in _created(AcademicYear, [AcademicYear(start_year=year) for year in years]):
        year_ids[year.start_year] = year.pk
    _write_faculties(file, resolved, ids)
    _write_programs(file, resolved, plan, ids)
    _write_groups(file, resolved, plan, ids, year_ids)
    new = [key for key, pk in resolved.discipline_ids.items() if pk.__class__ is New]
    disciplines = _created(Discipline, [Discipline(name=file.disciplines[key]) for key in new])
    for key, discipline in zip(new, disciplines, strict=True):
        ids[resolved.discipline_ids[key]] = discipline.pk
    _write_students(file, resolved, plan, ids)
    write_staff(resolved, ids)
    new = [key for key, pk in resolved.session_ids.items() if pk.__class__ is New]
    sessions = _created(
        ExamSession,
        [ExamSession(academic_year_id=year_ids[key.year], term=key.term) for key in new],
    )
    for key, session in zip(new, sessions, strict=True):
        ids[resolved.session_ids[key]] = session.pk
    _write_assessments(resolved, ids)
    return ids


def _write_faculties(file, resolved, ids):
    codes = set(resolved.faculty_codes)
    new = [key for key, pk in resolved.faculty_ids.items() if pk.__class__ is New]
    faculties = _created(
        Faculty,
        [
            Faculty(code=_faculty_code(file.faculties[key], codes), name=file.faculties[key])
            for key in new
        ],
    )
    for key, faculty in zip(new, faculties, strict=True):
        ids[resolved.faculty_ids[key]] = faculty.pk


def _faculty_code(name, codes):
    base = slugify(name)[:16] or "faculty"
    code, n = base, 1
    while code in codes:
        n += 1
        code = f"{base}-{n}"
    codes.add(code)
    return code


def _write_programs(file, resolved, plan, ids):
    new = [key for key, pk in resolved.program_ids.items() if pk.__class__ is New]
    programs = []
    for key in new:
        facts = file.programs[key]
        faculty_id = resolved.faculty_ids[facts.faculty_key]
        programs.append(
            Program(
                code=facts.code,
                name=facts.name,
                level=facts.level,
                form=facts.form,
                faculty_id=ids.get(faculty_id, faculty_id),
            )
        )
    for key, program in zip(new, _created(Program, programs), strict=True):
        ids[resolved.program_ids[key]] = program.pk
    Program.objects.bulk_update(
        [Program(pk=pk, name=name) for pk, name in plan.program_names.items()],
        ["name"],
        batch_size=500,
    )


def _write_groups(file, resolved, plan, ids, year_ids):
    new = [key for key, pk in resolved.group_ids.items() if pk.__class__ is New]
    groups = []
    for key in new:
        facts = file.groups[key]
        program_id = resolved.program_ids[facts.program]
        groups.append(
            StudyGroup(
                name=key.name,
                academic_year_id=year_ids[key.year],
                program_id=ids.get(program_id, program_id),
                year_of_study=facts.year_of_study or 1,
            )
        )
    for key, group in zip(new, _created(StudyGroup, groups), strict=True):
        ids[resolved.group_ids[key]] = group.pk
    StudyGroup.objects.bulk_update(
        [StudyGroup(pk=pk, year_of_study=year) for pk, year in plan.years_of_study.items()],
        ["year_of_study"],
        batch_size=500,
    )


def _write_students(file, resolved, plan, ids):
    def group_id(student):
        pk = resolved.group_ids[student.group]
        return ids.get(pk, pk)

    new = [rb for rb, pk in resolved.student_ids.items() if pk.__class__ is New]
    students = [
        Student(
            record_book=record_book,
            full_name=file.students[record_book].name,
            group_id=group_id(file.students[record_book]),
            funding=file.students[record_book].funding,
        )
        for record_book in new
    ]
    for record_book, student in zip(new, _created(Student, students), strict=True):
        ids[resolved.student_ids[record_book]] = student.pk
    Student.objects.bulk_update(
        [
            Student(
                pk=resolved.students[record_book].id,
                full_name=student.name,
                funding=student.funding,
                group_id=group_id(student),
            )
            for record_book, student in plan.students.items()
        ],
        ["full_name", "funding", "group"],
        batch_size=500,
    )


def _write_assessments(resolved, ids):
    def real(pk):
        return ids.get(pk, pk)

    new = [key for key, pk in resolved.assessment_ids.items() if pk.__class__ is New]
    assessments = [
        Assessment(
            session_id=real(resolved.session_ids[key.session]),
            group_id=real(resolved.group_ids[key.group]),
            discipline_id=real(resolved.discipline_ids[key.discipline]),
            kind=key.kind,
            examiner_id=new_examiner_id(resolved, key, ids),
        )
        for key in new
    ]
    for key, assessment in zip(new, _created(Assessment, assessments), strict=True):
        ids[resolved.assessment_ids[key]] = assessment.pk
