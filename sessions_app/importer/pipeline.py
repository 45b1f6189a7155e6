"""The results import: the checks and the writes of a results workbook (read by
sessions_app.importer.workbook); admissions and grades go through the service functions
(services.write_admissions, services.write_grades), which keep the audit and refuse submitted
and locked sheets. A file imported twice changes nothing the second time.
"""

import time

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from academics.choices import Funding
from academics.models import AcademicYear, Discipline, Faculty, Program, Student, StudyGroup
from academics.querysets import user_faculty_id
from academics.widgets import cell_text, normalize

from .. import figures, rules, services
from ..choices import AssessmentKind, Attempt, ChangeSource, GradeValue, SheetStatus
from ..models import Admission, Assessment, ExamSession, Grade, GradeSheet
from .columns import COLUMNS, parsers, read_headers
from .results import COUNTED_MODELS, ImportRefused, ImportResult, RowError
from .workbook import Sheet, read_sheet

BATCH = services.IMPORT_BATCH
PROGRESS_EVERY = 1000  # rows between two calls of an import's progress callback
ANALYZE_AFTER = 10_000  # grades written by one import
_IN_CHUNK = 900


def can_import(user):
    """Superusers, and dean's office staff for their own faculty's rows."""
    if user.is_superuser:
        return True
    faculty_id = user_faculty_id(user)
    return faculty_id not in (None, -1) and user.has_perm("sessions_app.change_grade")


def _chunked(items, size=_IN_CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _year_name(start_year):
    return f"{start_year}-{start_year + 1}"


# The import


def import_results(source, user=None, dry_run=False, today=None, progress=None):
    """Import a results workbook (a path, bytes or a binary file), or say why not.

    With `dry_run` nothing is written and the result holds what would be. `user` is who imports:
    None for the system (the command without --user); a dean's office user may only import the
    rows of their faculty. Raises ImportRefused for a file that cannot be read as a whole.

    `progress`, when given, is called as progress(stage, done, total) with the stage "read",
    "check" or "write" and the rows done of the total (0 of 0 while writing: the write is one
    transaction, whose progress nobody else could see), every PROGRESS_EVERY rows at most.
    """
    started = time.perf_counter()
    sheet = read_sheet(source)
    try:
        job = _Import(sheet, user, today or timezone.localdate(), progress)
        job.timings["open"] = time.perf_counter() - started
        return job.run(dry_run)
    finally:
        sheet.close()


def import_rows(rows, user=None, dry_run=False, today=None):
    """Import results given as dicts keyed by the English column names, as if read from a file:
    the same checks and writes (the demo session is loaded this way)."""
    headers = [column for column in COLUMNS if any(column in row for row in rows[:1])]
    sheet = Sheet(
        name="results",
        headers=headers,
        rows=iter([[row.get(column, "") for column in headers] for row in rows]),
        first_row=0,
        first_column=0,
        row_count=len(rows),
    )
    return _Import(sheet, user, today or timezone.localdate()).run(dry_run)


def _reporting(items, progress, stage, total):
    """`items`, calling progress(stage, done, total) every PROGRESS_EVERY of them."""
    progress(stage, 0, total)
    done = 0
    for done, item in enumerate(items, start=1):
        if not done % PROGRESS_EVERY:
            progress(stage, done, total)
        yield item
    progress(stage, done, max(total, done))


class _Import:
    def __init__(self, sheet, user, today, progress=None):
        self.sheet = sheet
        self.user = user
        self.today = today
        self.progress = progress
        self.scope = user_faculty_id(user) if user is not None else None
        self.errors = []
        self.rows = 0
        self._rows_by_key = dict
        self.timings = {}  # phase -> seconds, for the benchmark

    def timed(self, phase, step):
        started = time.perf_counter()
        value = step()
        self.timings[phase] = time.perf_counter() - started
        return value

    def error(self, row, column, message, forbidden=False):
        label = self.headers.get(column, column) if column else ""
        self.errors.append(RowError(row, label, str(message), forbidden))

    # The header row

    def read_headers(self):
        headers = read_headers(self.sheet.headers, self.sheet.first_column)
        self.index, self.headers = headers.index, headers.labels
        self.unheaded = [(column.offset, column.letter) for column in headers.unheaded]

    # Pass 1: each row, and the rows against each other

    def read_rows(self):
        parsers_ = parsers()
        spec = [
            (column, index, parsers_[column].seen, parsers_[column])
            for column, index in self.index.items()
        ]
        width = max(self.index.values()) + 1
        first = self.sheet.first_row + 1  # the Excel number of the header row
        blank_text = {""}
        err = self.error

        self.faculties = {}  # key -> name as written
        self.programs = {}  # key -> [code, name, level, form, faculty key, row]
        self.groups = {}  # (year, name) -> [program key, year of study, row]
        self.students = {}  # record book -> [name, row, latest session, group key, funding]
        self.student_sessions = {}  # (session, record book) -> (group key, funding, row)
        self.disciplines = {}  # key -> name as written
        self.sessions = set()
        self.assessments = {}  # (session, group key, discipline key, kind) -> index
        self.admissions = {}  # (session, record book, stage) -> (admitted, reason, group, row)
        self.grades = {}  # (assessment index, record book, attempt) -> (value, row)
        self.good = []  # the rows without errors, as tuples for pass 2
        # Students with a bad row: what the file says about them is incomplete, so the checks
        # that weigh one row against another (АКЖ against the main grade) are left out.
        self.tainted = set()
        seen = {}

        rows = self.sheet.rows
        if self.progress is not None:
            # A wrapper rather than a test in the loop: without progress the loop is as it was.
            rows = _reporting(rows, self.progress, "read", max(self.sheet.row_count - 1, 0))
        for offset, cells in enumerate(rows, start=1):
            row = first + offset
            head = cells[0] if cells else ""
            if (head.__class__ is str and not head.strip()) and all(
                c.__class__ is str and (c in blank_text or not c.strip()) for c in cells
            ):
                continue
            self.rows += 1
            if len(cells) < width:
                cells = list(cells) + [""] * (width - len(cells))
            for index, letter in self.unheaded:
                if cell_text(cells[index]):
                    self.errors.append(
                        RowError(
                            row,
                            letter,
                            _("column %(letter)s has no header but holds data")
                            % {"letter": letter},
                        )
                    )
            values = {}
            failed = False
            for column, index, known, parse in spec:
                raw = cells[index]
                # The parser remembers each distinct cell; looked up here to save the call.
                ok, value = known.get((raw.__class__, raw)) or parse(raw)
                if ok:
                    values[column] = value
                else:
                    failed = True
                    err(row, column, value)
            if failed:
                self.tainted.add(values.get("student_id"))
                continue
            n_errors = len(self.errors)

            admitted, reason = values["admitted"], values["not_admitted_reason"]
            kind, attempt, grade = values["kind"], values["attempt"], values["grade"]
            if admitted and reason:
                err(row, "not_admitted_reason", _("leave it blank when the student is admitted"))
            if not admitted and not reason:
                err(
                    row,
                    "not_admitted_reason",
                    _("say whether the reason is valid or invalid when not admitted"),
                )
            if grade and not admitted:
                err(row, "grade", _("the student is not admitted: leave the grade blank"))
            elif grade and grade not in rules.ALLOWED[kind]:
                err(
                    row,
                    "grade",
                    _("“%(value)s” is not a grade for the kind “%(kind)s”; use one of: %(allowed)s")
                    % {
                        "value": grade,
                        "kind": AssessmentKind(kind).label,
                        "allowed": ", ".join(sorted(rules.ALLOWED[kind])),
                    },
                )

            session = (values["academic_year"], values["term"])
            year = session[0]
            faculty, faculty_key = values["faculty"]
            program_name, program_name_key = values["program_name"]
            code = values["program_code"]
            level, form = values["level"], values["form"]
            program_key = (code, level, form, "" if code else program_name_key)
            group_key = (year, values["group"])
            record_book, name = values["student_id"], values["student_name"]
            funding = values["funding"]
            discipline, discipline_key = values["discipline"]
            year_of_study = values.get("year_of_study")

            self.faculties.setdefault(faculty_key, faculty)
            program = self.programs.get(program_key)
            if program is None:
                self.programs[program_key] = [code, program_name, level, form, faculty_key, row]
            else:
                if code and program_name != program[1]:
                    err(
                        row,
                        "program_name",
                        _("row %(row)s names the program %(code)s “%(name)s”")
                        % {"row": program[5], "code": code, "name": program[1]},
                    )
                # Whether two spellings name one faculty is known once the portal's faculties
                # are loaded: compared in check_rows().
            group = self.groups.get(group_key)
            if group is None:
                self.groups[group_key] = [program_key, year_of_study, row]
            else:
                if group[0] != program_key:
                    err(
                        row,
                        "group",
                        _("row %(row)s puts the group “%(group)s” in another program")
                        % {"row": group[2], "group": group_key[1]},
                    )
                if year_of_study is not None:
                    if group[1] is None:
                        group[1] = year_of_study
                    elif group[1] != year_of_study:
                        err(
                            row,
                            "year_of_study",
                            _("row %(row)s gives this group the year of study %(year)s")
                            % {"row": group[2], "year": group[1]},
                        )
            student = self.students.get(record_book)
            if student is None:
                self.students[record_book] = [name, row, session, group_key, funding]
            else:
                if name != student[0] and normalize(name) != normalize(student[0]):
                    err(
                        row,
                        "student_name",
                        _("row %(row)s gives this record book to “%(name)s”")
                        % {"row": student[1], "name": student[0]},
                    )
                if session > student[2]:
                    student[2:5] = [session, group_key, funding]
            in_session = self.student_sessions.get((session, record_book))
            if in_session is None:
                self.student_sessions[(session, record_book)] = (group_key, funding, row)
            else:
                if in_session[0] != group_key:
                    err(
                        row,
                        "group",
                        _("row %(row)s puts this student in the group “%(group)s” this session")
                        % {"row": in_session[2], "group": in_session[0][1]},
                    )
                if in_session[1] != funding:
                    err(
                        row,
                        "funding",
                        _("row %(row)s gives this student the funding “%(funding)s”")
                        % {"row": in_session[2], "funding": Funding(in_session[1]).label},
                    )
            admission = self.admissions.get((session, record_book, attempt))
            if admission is None:
                self.admissions[(session, record_book, attempt)] = (
                    admitted,
                    reason,
                    group_key,
                    row,
                )
            elif (admission[0], admission[1]) != (admitted, reason):
                err(
                    row,
                    "admitted",
                    _(
                        "row %(row)s gives this student's admission to the same stage of the "
                        "session otherwise; a student has one admission per stage"
                    )
                    % {"row": admission[3]},
                )
            duplicate = (session, record_book, discipline_key, kind, attempt)
            first_row = seen.setdefault(duplicate, row)
            if first_row != row:
                err(
                    row,
                    "",
                    _(
                        "row %(row)s already holds this student's %(attempt)s attempt at "
                        "“%(discipline)s” (%(kind)s)"
                    )
                    % {
                        "row": first_row,
                        "attempt": Attempt(attempt).label,
                        "discipline": discipline,
                        "kind": AssessmentKind(kind).label,
                    },
                )
            self.disciplines.setdefault(discipline_key, discipline)
            self.sessions.add(session)
            if len(self.errors) > n_errors:
                self.tainted.add(record_book)
                continue
            assessment_key = (session, group_key, discipline_key, kind)
            assessment = self.assessments.setdefault(assessment_key, len(self.assessments))
            if grade:
                self.grades[(assessment, record_book, attempt)] = (grade, row)
            self.good.append(
                (
                    row,
                    faculty_key,
                    program_key,
                    group_key,
                    record_book,
                    session,
                    assessment,
                    attempt,
                    grade,
                    admitted,
                )
            )

    # What the portal holds already

    def load(self):
        faculty_lookup, self.faculty_names = {}, {}
        rows = list(Faculty.objects.values_list("id", "name", "short_name", "code"))
        for faculty_id, name, _short_name, _code in rows:
            self.faculty_names[faculty_id] = name
            faculty_lookup.setdefault(normalize(name), faculty_id)
        for position in (2, 3):
            for row in rows:
                if row[position]:
                    faculty_lookup.setdefault(normalize(row[position]), row[0])
        self.faculty_codes = {row[3] for row in rows}
        self.faculty_ids = {key: faculty_lookup.get(key) for key in self.faculties}

        self.db_programs, self.program_names = {}, {}
        for program_id, code, name, level, form, faculty_id in Program.objects.values_list(
            "id", "code", "name", "level", "form", "faculty_id"
        ):
            key = (code, level, form, "" if code else normalize(name))
            self.db_programs[key] = (program_id, name, faculty_id)
            self.program_names[program_id] = f"{code} {name}".strip()

        years = {session[0] for session in self.sessions}
        self.year_ids = dict(
            AcademicYear.objects.filter(start_year__in=years).values_list("start_year", "id")
        )
        self.db_groups = {
            (year, name): (group_id, program_id, year_of_study)
            for group_id, year, name, program_id, year_of_study in StudyGroup.objects.filter(
                academic_year__start_year__in=years
            ).values_list("id", "academic_year__start_year", "name", "program_id", "year_of_study")
        }
        self.db_students = {}
        for chunk in _chunked(self.students):
            for row in Student.objects.filter(record_book__in=chunk).values_list(
                "record_book",
                "id",
                "full_name",
                "funding",
                "group_id",
                "group__academic_year__start_year",
                "group__program__faculty_id",
            ):
                self.db_students[row[0]] = row[1:]
        self.db_disciplines = {}
        for discipline_id, name in Discipline.objects.order_by("pk").values_list("id", "name"):
            self.db_disciplines.setdefault(normalize(name), discipline_id)
        self.db_sessions = {
            (year, term): (session_id, deadline)
            for session_id, year, term, deadline in ExamSession.objects.filter(
                academic_year__start_year__in=years
            ).values_list("id", "academic_year__start_year", "term", "entry_deadline")
        }
        session_ids = [value[0] for value in self.db_sessions.values()]
        db_assessments = {}
        for chunk in _chunked(session_ids):
            for assessment_id, *key in Assessment.objects.filter(session_id__in=chunk).values_list(
                "id", "session_id", "group_id", "discipline_id", "kind"
            ):
                db_assessments[tuple(key)] = assessment_id
        # The file's assessments that exist: index -> id.
        self.assessment_ids = {}
        for (session, group_key, discipline_key, kind), index in self.assessments.items():
            session_id = self.db_sessions.get(session, (None,))[0]
            group_id = self.db_groups.get(group_key, (None,))[0]
            discipline_id = self.db_disciplines.get(discipline_key)
            found = db_assessments.get((session_id, group_id, discipline_id, kind))
            if found is not None:
                self.assessment_ids[index] = found

        student_ids = [row[0] for row in self.db_students.values()]
        self.db_admissions = {}
        for chunk in _chunked(student_ids):
            for (
                session_id,
                student_id,
                stage,
                group_id,
                admitted,
                reason,
            ) in Admission.objects.filter(
                session_id__in=session_ids, student_id__in=chunk
            ).values_list("session_id", "student_id", "stage", "group_id", "admitted", "reason"):
                self.db_admissions[(session_id, student_id, stage)] = (group_id, admitted, reason)
        wanted_students = set(student_ids)
        self.db_grades, self.db_sheets = {}, {}
        for chunk in _chunked(self.assessment_ids.values()):
            for assessment_id, student_id, attempt, value in Grade.objects.filter(
                assessment_id__in=chunk
            ).values_list("assessment_id", "student_id", "attempt", "value"):
                if student_id in wanted_students:
                    self.db_grades[(assessment_id, student_id, attempt)] = value
            for assessment_id, attempt, status in GradeSheet.objects.filter(
                assessment_id__in=chunk
            ).values_list("assessment_id", "attempt", "status"):
                self.db_sheets[(assessment_id, attempt)] = status

    # Pass 2: the rows against the portal

    def check_rows(self):
        err = self.error
        late = self.user is not None and not self.user.has_perm("sessions_app.enter_after_deadline")
        statuses = dict(SheetStatus.choices)
        good = self.good
        if self.progress is not None:
            good = _reporting(good, self.progress, "check", len(good))
        for (
            row,
            faculty_key,
            program_key,
            group_key,
            record_book,
            session,
            assessment,
            attempt,
            grade,
            admitted,
        ) in good:
            faculty_id = self.faculty_ids[faculty_key]
            first = self.programs[program_key]
            if self.faculty_ids[first[4]] != faculty_id or (
                faculty_id is None and first[4] != faculty_key
            ):
                err(
                    row,
                    "faculty",
                    _("row %(row)s puts this program in the faculty “%(faculty)s”")
                    % {"row": first[5], "faculty": self.faculties[first[4]]},
                )
            if self.scope is not None and faculty_id != self.scope:
                err(
                    row,
                    "faculty",
                    _("you may import only the rows of your faculty (%(faculty)s)")
                    % {"faculty": self.faculty_names.get(self.scope, "—")},
                    forbidden=True,
                )
            program = self.db_programs.get(program_key)
            if program is not None and program[2] != faculty_id:
                err(
                    row,
                    "faculty",
                    _("the program “%(program)s” belongs to the faculty “%(faculty)s”")
                    % {
                        "program": self.program_names[program[0]],
                        "faculty": self.faculty_names[program[2]],
                    },
                )
            group = self.db_groups.get(group_key)
            if group is not None and (program is None or group[1] != program[0]):
                err(
                    row,
                    "group",
                    _("the group “%(group)s” of %(year)s belongs to the program “%(program)s”")
                    % {
                        "group": group_key[1],
                        "year": _year_name(group_key[0]),
                        "program": self.program_names[group[1]],
                    },
                )
            student = self.db_students.get(record_book)
            if student is not None and self.scope is not None and student[5] != self.scope:
                err(
                    row,
                    "student_id",
                    _("this student studies in another faculty (%(faculty)s)")
                    % {"faculty": self.faculty_names.get(student[5], "—")},
                    forbidden=True,
                )
            student_id = student[0] if student is not None else None
            session_id, deadline = self.db_sessions.get(session, (None, None))
            main_admission = self.admissions.get((session, record_book, Attempt.MAIN))
            if main_admission is None:
                stored = self.db_admissions.get((session_id, student_id, Attempt.MAIN))
                main_admitted = stored[1] if stored is not None else None
            else:
                main_admitted = main_admission[0]
            complete = record_book not in self.tainted
            if attempt == Attempt.RETAKE and main_admitted is None and complete:
                err(
                    row,
                    "attempt",
                    _(
                        "the student has no main-session row for this session, in the file or "
                        "in the portal; АКЖ follows the main session"
                    ),
                )
            assessment_id = self.assessment_ids.get(assessment)
            stored_grade = self.db_grades.get((assessment_id, student_id, attempt))
            if not admitted and stored_grade:
                err(
                    row,
                    "admitted",
                    _(
                        "the portal holds the grade “%(grade)s” for this attempt, and a student "
                        "who is not admitted has none; clear it on the grade sheet first"
                    )
                    % {"grade": GradeValue(stored_grade).label},
                )
            if not grade:
                continue
            if grade != stored_grade:
                status = self.db_sheets.get((assessment_id, attempt))
                if status is not None and status != SheetStatus.DRAFT:
                    err(
                        row,
                        "grade",
                        _(
                            "the grade sheet is %(status)s and cannot change until it is "
                            "reopened (it holds %(old)s)"
                        )
                        % {
                            "status": statuses[status],
                            "old": GradeValue(stored_grade).label if stored_grade else "—",
                        },
                    )
                if late and deadline is not None and self.today > deadline:
                    err(
                        row,
                        "grade",
                        _(
                            "the entry deadline (%(date)s) has passed: only the dean's office "
                            "head can enter grades now"
                        )
                        % {"date": deadline},
                    )
            if not complete or main_admitted is None:
                continue
            main_key = (assessment, record_book, Attempt.MAIN)
            retake_key = (assessment, record_book, Attempt.RETAKE)
            if attempt == Attempt.RETAKE:
                in_file = self.grades.get(main_key)
                main_grade = (
                    in_file[0]
                    if in_file
                    else self.db_grades.get((assessment_id, student_id, Attempt.MAIN), "")
                )
                owes = main_grade in rules.OWING or (main_admitted is False and admitted)
                if not owes:
                    err(
                        row,
                        "grade",
                        _(
                            "the student does not owe this assessment after the main session "
                            "(main grade: %(grade)s), so has no АКЖ grade"
                        )
                        % {"grade": GradeValue(main_grade).label if main_grade else "—"},
                    )
            elif grade not in rules.OWING and retake_key not in self.grades:
                # (An АКЖ grade in the file is reported on its own row, as not owed.)
                retake_grade = self.db_grades.get((assessment_id, student_id, Attempt.RETAKE))
                if retake_grade:
                    err(
                        row,
                        "grade",
                        _(
                            "the student has an АКЖ grade (%(grade)s) for this assessment, which "
                            "a passing main grade would contradict"
                        )
                        % {"grade": GradeValue(retake_grade).label},
                    )

    # What would change

    def plan(self):
        counts = {model: services.WriteCounts() for model in COUNTED_MODELS}

        def count(model, created=False, updated=False):
            target = counts[model]
            if created:
                target.created += 1
            elif updated:
                target.updated += 1
            else:
                target.unchanged += 1

        years = {session[0] for session in self.sessions}
        for year in years:
            count(AcademicYear, created=year not in self.year_ids)
        for key in self.faculties:
            count(Faculty, created=self.faculty_ids[key] is None)
        self.program_updates = {}
        for key, (code, name, *_rest) in self.programs.items():
            stored = self.db_programs.get(key)
            if stored is None:
                count(Program, created=True)
            elif code and name != stored[1]:
                self.program_updates[stored[0]] = name
                count(Program, updated=True)
            else:
                count(Program)
        self.group_updates = {}
        for key, (_program, year_of_study, _row) in self.groups.items():
            stored = self.db_groups.get(key)
            if stored is None:
                count(StudyGroup, created=True)
            elif year_of_study is not None and year_of_study != stored[2]:
                self.group_updates[stored[0]] = year_of_study
                count(StudyGroup, updated=True)
            else:
                count(StudyGroup)
        # A student's group, name and funding follow the file when it is about the student's
        # current year (or a later one); an older year's file only fills in that year's results.
        self.student_updates = {}
        for record_book, (name, _row, latest, group_key, funding) in self.students.items():
            stored = self.db_students.get(record_book)
            if stored is None:
                count(Student, created=True)
                continue
            student_id, stored_name, stored_funding, group_id, group_year, _faculty = stored
            new_group = self.db_groups.get(group_key, (None,))[0]
            if latest[0] >= group_year and (name, funding, new_group) != (
                stored_name,
                stored_funding,
                group_id,
            ):
                self.student_updates[record_book] = (name, funding, group_key)
                count(Student, updated=True)
            else:
                count(Student)
        for key in self.disciplines:
            count(Discipline, created=key not in self.db_disciplines)
        for session in self.sessions:
            count(ExamSession, created=session not in self.db_sessions)
        for index in self.assessments.values():
            count(Assessment, created=index not in self.assessment_ids)
        for (session, record_book, stage), (
            admitted,
            reason,
            group_key,
            _row,
        ) in self.admissions.items():
            session_id = self.db_sessions.get(session, (None,))[0]
            student_id = self.db_students.get(record_book, (None,))[0]
            stored = self.db_admissions.get((session_id, student_id, stage))
            group_id = self.db_groups.get(group_key, (None,))[0]
            if stored is None:
                count(Admission, created=True)
            else:
                count(Admission, updated=stored != (group_id, admitted, reason))
        touched = set()
        for (assessment, record_book, attempt), (value, _row) in self.grades.items():
            assessment_id = self.assessment_ids.get(assessment)
            student_id = self.db_students.get(record_book, (None,))[0]
            stored = self.db_grades.get((assessment_id, student_id, attempt))
            if stored is None:
                count(Grade, created=True)
            elif stored != value:
                count(Grade, updated=True)
            else:
                count(Grade)
                continue
            touched.add((assessment, attempt))
        for assessment, attempt in touched:
            assessment_id = self.assessment_ids.get(assessment)
            count(GradeSheet, created=(assessment_id, attempt) not in self.db_sheets)
        touched_ids = {(self.assessment_ids.get(a), attempt) for a, attempt in touched}
        counts[GradeSheet].unchanged = sum(1 for pair in self.db_sheets if pair not in touched_ids)
        return counts

    # Writing

    @transaction.atomic
    def write(self):
        """Create and update, in dependency order; ids of what is new are read back by key."""
        started = time.perf_counter()
        years = {session[0] for session in self.sessions}
        AcademicYear.objects.bulk_create(
            [AcademicYear(start_year=year) for year in sorted(years - set(self.year_ids))]
        )
        year_ids = dict(
            AcademicYear.objects.filter(start_year__in=years).values_list("start_year", "id")
        )

        new_faculties = []
        for key, name in self.faculties.items():
            if self.faculty_ids[key] is None:
                new_faculties.append(Faculty(code=self._faculty_code(name), name=name))
        Faculty.objects.bulk_create(new_faculties)
        by_name = dict(
            Faculty.objects.filter(name__in=[f.name for f in new_faculties]).values_list(
                "name", "id"
            )
        )
        for key, name in self.faculties.items():
            if self.faculty_ids[key] is None:
                self.faculty_ids[key] = by_name[name]

        Program.objects.bulk_create(
            [
                Program(
                    code=code,
                    name=name,
                    level=level,
                    form=form,
                    faculty_id=self.faculty_ids[faculty_key],
                )
                for key, (code, name, level, form, faculty_key, _row) in self.programs.items()
                if key not in self.db_programs
            ],
            batch_size=BATCH,
        )
        Program.objects.bulk_update(
            [Program(pk=pk, name=name) for pk, name in self.program_updates.items()],
            ["name"],
            batch_size=500,
        )
        program_ids = {
            (code, level, form, "" if code else normalize(name)): program_id
            for program_id, code, name, level, form in Program.objects.values_list(
                "id", "code", "name", "level", "form"
            )
        }

        StudyGroup.objects.bulk_create(
            [
                StudyGroup(
                    name=name,
                    academic_year_id=year_ids[year],
                    program_id=program_ids[program_key],
                    year_of_study=year_of_study or 1,
                )
                for (year, name), (program_key, year_of_study, _row) in self.groups.items()
                if (year, name) not in self.db_groups
            ],
            batch_size=BATCH,
        )
        StudyGroup.objects.bulk_update(
            [StudyGroup(pk=pk, year_of_study=y) for pk, y in self.group_updates.items()],
            ["year_of_study"],
            batch_size=500,
        )
        group_ids = {
            (year, name): group_id
            for group_id, year, name in StudyGroup.objects.filter(
                academic_year__start_year__in=years
            ).values_list("id", "academic_year__start_year", "name")
        }

        new_disciplines = [
            Discipline(name=name)
            for key, name in self.disciplines.items()
            if key not in self.db_disciplines
        ]
        Discipline.objects.bulk_create(new_disciplines, batch_size=BATCH)
        discipline_ids = dict(self.db_disciplines)
        for chunk in _chunked([d.name for d in new_disciplines]):
            for discipline_id, name in Discipline.objects.filter(name__in=chunk).values_list(
                "id", "name"
            ):
                discipline_ids[normalize(name)] = discipline_id

        Student.objects.bulk_create(
            [
                Student(
                    record_book=record_book,
                    full_name=name,
                    group_id=group_ids[group_key],
                    funding=funding,
                )
                for record_book, (name, _row, _latest, group_key, funding) in self.students.items()
                if record_book not in self.db_students
            ],
            batch_size=BATCH,
        )
        Student.objects.bulk_update(
            [
                Student(
                    pk=self.db_students[record_book][0],
                    full_name=name,
                    funding=funding,
                    group_id=group_ids[group_key],
                )
                for record_book, (name, funding, group_key) in self.student_updates.items()
            ],
            ["full_name", "funding", "group"],
            batch_size=500,
        )
        student_ids = {}
        for chunk in _chunked(self.students):
            student_ids.update(
                Student.objects.filter(record_book__in=chunk).values_list("record_book", "id")
            )

        ExamSession.objects.bulk_create(
            [
                ExamSession(academic_year_id=year_ids[year], term=term)
                for year, term in sorted(self.sessions)
                if (year, term) not in self.db_sessions
            ]
        )
        session_ids = {
            (year, term): session_id
            for session_id, year, term in ExamSession.objects.filter(
                academic_year__start_year__in=years
            ).values_list("id", "academic_year__start_year", "term")
        }

        def assessment_key(key):
            session, group_key, discipline_key, kind = key
            return (
                session_ids[session],
                group_ids[group_key],
                discipline_ids[discipline_key],
                kind,
            )

        Assessment.objects.bulk_create(
            [
                Assessment(
                    session_id=session_id,
                    group_id=group_id,
                    discipline_id=discipline_id,
                    kind=kind,
                )
                for session_id, group_id, discipline_id, kind in (
                    assessment_key(key)
                    for key, index in self.assessments.items()
                    if index not in self.assessment_ids
                )
            ],
            batch_size=BATCH,
        )
        stored = {}
        for chunk in _chunked(set(session_ids.values())):
            for assessment_id, *key in Assessment.objects.filter(session_id__in=chunk).values_list(
                "id", "session_id", "group_id", "discipline_id", "kind"
            ):
                stored[tuple(key)] = assessment_id
        assessment_ids = {
            index: stored[assessment_key(key)] for key, index in self.assessments.items()
        }

        self.timings["write: structure"] = time.perf_counter() - started
        started = time.perf_counter()
        admission_counts = services.write_admissions(
            [
                services.AdmissionEntry(
                    session_ids[session],
                    student_ids[record_book],
                    stage,
                    admitted,
                    reason,
                    None,
                    group_ids[group_key] if stage == Attempt.MAIN else None,
                )
                for (session, record_book, stage), (admitted, reason, group_key, _row) in (
                    self.admissions.items()
                )
            ],
            self.user,
        )
        self._rows_by_key = lambda: {
            (assessment_ids[a], student_ids[rb], attempt): row
            for (a, rb, attempt), (_value, row) in self.grades.items()
        }
        self.timings["write: admissions"] = time.perf_counter() - started
        started = time.perf_counter()
        grade_counts = services.write_grades(
            (
                services.GradeEntry(
                    assessment_ids[assessment], student_ids[record_book], attempt, value
                )
                for (assessment, record_book, attempt), (value, _row) in self.grades.items()
            ),
            self.user,
            source=ChangeSource.IMPORT,
            today=self.today,
        )
        self.timings["write: grades"] = time.perf_counter() - started
        if self.student_updates:
            # Students changed group or funding: every session's figures may differ. (The
            # sessions whose grades or admissions changed were marked by the services.)
            figures.changed()
        if connection.vendor == "postgresql" and len(self.grades) >= ANALYZE_AFTER:
            # Until autovacuum gets to it, the planner would take the tables for as small as
            # they were: a report over a freshly imported session measured 124 s instead of
            # 60 ms before ANALYZE.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE sessions_app_grade, sessions_app_admission")
        return {
            Admission: admission_counts,
            Grade: grade_counts["grades"],
            GradeSheet: grade_counts["sheets"],
        }

    def _faculty_code(self, name):
        base = slugify(name)[:16] or "faculty"
        code, n = base, 1
        while code in self.faculty_codes:
            n += 1
            code = f"{base}-{n}"
        self.faculty_codes.add(code)
        return code

    # The whole

    def run(self, dry_run):
        self.read_headers()
        self.timed("read", self.read_rows)
        result = ImportResult(rows=self.rows, dry_run=dry_run, timings=self.timings)
        if self.rows == 0:
            raise ImportRefused(
                _("The sheet “%(sheet)s” has headers but no rows.") % {"sheet": self.sheet.name}
            )
        self.timed("load", self.load)
        self.timed("check", self.check_rows)
        result.errors = sorted(self.errors, key=lambda e: e.row or 0)
        if self.errors:
            return result
        result.counts = self.timed("plan", self.plan)
        if dry_run:
            return result
        if self.progress is not None:
            self.progress("write", 0, 0)
        try:
            written = self.timed("write", self.write)
        except services.InvalidGrades as error:
            rows = self._rows_by_key()
            for key, message in error.errors.items():
                result.errors.append(RowError(rows.get(key), "", str(message)))
            result.errors.sort(key=lambda e: e.row or 0)
            return result
        except PermissionDenied as error:
            result.errors.append(RowError(None, "", str(error), forbidden=True))
            return result
        except services.SheetError as error:
            result.errors.append(RowError(None, "", str(error)))
            return result
        result.counts.update(written)
        result.written = True
        return result
