"""The rows of the results sheet as named records, and what the file says as a whole.

Each data row becomes a ResultRow: its Excel row number, what it says about its student in its
session (an Enrolment: the columns academic_year … funding and year_of_study) and what it says
about one attempt at one assessment (a Mark: admitted … grade). A sheet repeats both — a student's
fifteen rows share one Enrolment's cells, and a few hundred Marks cover a session — so each
distinct run of cells is parsed and checked once and its record shared by every row that holds
it; a hundred thousand rows cost a few dictionary lookups each.

The rows are also checked against each other here, as far as the file alone can tell: a program
with two names, a group in two programs, a record book given to two names, a student in two
groups or on two fundings in one session, two admissions of one stage that disagree, one attempt
given twice. A row with any error is kept out of `ResultFile.rows`; its student is `tainted`:
what the file says about them is incomplete, so the grade rules, which weigh one of their rows
against another (АКЖ against the main grade), are not asked about them.
"""

from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

from django.utils.translation import gettext as _

from academics.choices import Funding
from academics.widgets import cell_text, normalize

from .. import forms, rules, services
from ..choices import AssessmentKind, Attempt
from .columns import parsers
from .results import RowError

# The columns of an Enrolment and of a Mark, in the order their parsers run.
ENROLMENT_COLUMNS = (
    "academic_year",
    "term",
    "faculty",
    "program_code",
    "program_name",
    "level",
    "form",
    "group",
    "student_id",
    "student_name",
    "funding",
    "year_of_study",
)
MARK_COLUMNS = (
    "admitted",
    "not_admitted_reason",
    "discipline",
    "kind",
    "attempt",
    "grade",
    "points",
    "examiner",
)


# Keys: how the file names what it speaks of.


class SessionKey(NamedTuple):
    year: int  # the academic year's start year
    term: int


class ProgramKey(NamedTuple):
    code: str
    level: str
    form: str
    name: str  # the name as compared (academics.widgets.normalize) for a program without code


class GroupKey(NamedTuple):
    year: int
    name: str


class AssessmentKey(NamedTuple):
    session: SessionKey
    group: GroupKey
    discipline: str  # the name as compared
    kind: str


class AdmissionKey(NamedTuple):
    session: SessionKey
    record_book: str
    stage: str


class SessionStudent(NamedTuple):
    session: SessionKey
    record_book: str


class AttemptKey(NamedTuple):
    """One attempt at one assessment, among a student's in a session: given once."""

    discipline: str  # the name as compared
    kind: str
    attempt: str


# A row


class Enrolment(NamedTuple):
    """What a row says about its student in its session."""

    session: SessionKey
    faculty: str  # as written
    faculty_key: str  # as compared
    program: ProgramKey
    program_code: str
    program_name: str
    group: GroupKey
    record_book: str
    name: str
    funding: str
    year_of_study: int | None


class Mark(NamedTuple):
    """What a row says about one attempt at one assessment."""

    admitted: bool  # to the session on a main row, to АКЖ on a retake row
    reason: str  # why not admitted: valid, invalid; "" when admitted
    discipline: str  # as written
    discipline_key: str  # as compared
    kind: str
    attempt: str
    grade: str  # "" when blank
    points: int | None  # when the cell gave points (the grade is then their value on the scale)
    examiner: str = ""  # the assessment's examiner as written; "" when blank or no column
    examiner_key: str = ""  # as matched (portal.text.search_key)


class ResultRow(NamedTuple):
    row: int  # the Excel row number
    enrolment: Enrolment
    mark: Mark
    assessment: AssessmentKey


# What the file says as a whole: each thing as the first row that names it says it.


class ProgramFacts(NamedTuple):
    code: str
    name: str
    level: str
    form: str
    faculty_key: str
    row: int


@dataclass
class GroupFacts:
    program: ProgramKey
    year_of_study: int | None  # the first row that gives one
    row: int


@dataclass
class StudentFacts:
    name: str
    row: int
    # The student's place in the latest session of the file: their group and funding now.
    latest: SessionKey
    group: GroupKey
    funding: str


class StudentInSession(NamedTuple):
    group: GroupKey
    funding: str
    row: int


class AdmissionFacts(NamedTuple):
    admitted: bool
    reason: str
    group: GroupKey
    row: int


class ExaminerFacts(NamedTuple):
    """The examiner a file names for one assessment, as its first row naming one says it."""

    name: str
    key: str
    row: int


@dataclass
class ResultFile:
    headers: object  # columns.Headers
    rows: list = field(default_factory=list)  # [ResultRow] without errors
    errors: list = field(default_factory=list)  # [RowError]
    count: int = 0  # the rows read, blank ones left out
    tainted: set = field(default_factory=set)  # record books with a bad row
    faculties: dict = field(default_factory=dict)  # faculty key -> name as written
    programs: dict = field(default_factory=dict)  # ProgramKey -> ProgramFacts
    groups: dict = field(default_factory=dict)  # GroupKey -> GroupFacts
    students: dict = field(default_factory=dict)  # record book -> StudentFacts
    in_session: dict = field(default_factory=dict)  # SessionStudent -> StudentInSession
    disciplines: dict = field(default_factory=dict)  # discipline key -> name as written
    sessions: set = field(default_factory=set)  # SessionKey
    assessments: dict = field(default_factory=dict)  # AssessmentKey -> its first row
    admissions: dict = field(default_factory=dict)  # AdmissionKey -> AdmissionFacts
    examiners: dict = field(default_factory=dict)  # AssessmentKey -> ExaminerFacts
    # Every Enrolment checked against the rows before it (its program, group and student are
    # among the file's).
    enrolments: set = field(default_factory=set)

    def error(self, row, column, message, forbidden=False, value=""):
        self.errors.append(
            RowError(row, self.headers.label(column), str(message), forbidden, value)
        )


class Problem(NamedTuple):
    """A cell that cannot be read, or a row that contradicts itself or the rows before it."""

    column: str
    message: str


@dataclass(slots=True)
class _ReadEnrolment:
    """An Enrolment's cells as read: the record, or the problems of its cells."""

    enrolment: Enrolment | None
    problems: list
    record_book: str | None
    # Checked against the file's other rows with no error: a row with the same cells needs no
    # check again (each check compares with what the first row of a thing said).
    clean: bool = False
    # stage -> (admitted, reason) of the student's admission at it, as the file first gave it
    admissions: dict = field(default_factory=dict)
    attempts: dict | None = None  # the student's AttemptKeys in the session -> the first row


class _ReadMark(NamedTuple):
    mark: Mark | None
    problems: list  # cells that cannot be read
    contradictions: list  # the row's cells against each other
    attempt: AttemptKey | None
    admission: tuple  # (admitted, reason): compared with the student's admission at the stage


def read_rows(rows, headers, first_row):
    """The ResultFile of `rows` (lists of cells; the first is Excel row `first_row` + 1)."""
    return _Reader(headers).read(rows, first_row)


class _Reader:
    def __init__(self, headers):
        self.file = ResultFile(headers)
        self.parsers = parsers()
        index = headers.index
        self.enrolment_columns = [c for c in ENROLMENT_COLUMNS if c in index]
        self.mark_columns = [c for c in MARK_COLUMNS if c in index]
        self.enrolment_cells = itemgetter(*(index[c] for c in self.enrolment_columns))
        self.mark_cells = itemgetter(*(index[c] for c in self.mark_columns))
        self.width = max(index.values()) + 1
        self.enrolments = {}  # cells -> _ReadEnrolment
        self.marks = {}  # cells -> _ReadMark
        self.attempts = {}  # SessionStudent -> {AttemptKey: row}

    def read(self, rows, first_row):
        file, width, unheaded = self.file, self.width, self.file.headers.unheaded
        enrolment_cells, mark_cells = self.enrolment_cells, self.mark_cells
        enrolments, marks = self.enrolments, self.marks
        good, assessments = file.rows, file.assessments
        count = 0
        for row, cells in enumerate(rows, start=first_row + 1):
            head = cells[0] if cells else ""
            if head.__class__ is str and not head.strip() and _blank(cells):
                continue
            count += 1
            if len(cells) < width:
                cells = list(cells) + [""] * (width - len(cells))
            if unheaded:
                self.check_unheaded(row, cells)
            key = enrolment_cells(cells)
            read = enrolments.get(key) or self.read_enrolment(key)
            key = mark_cells(cells)
            mark = marks.get(key) or self.read_mark(key)
            if read.problems or mark.problems:
                self.unreadable(row, read, mark, cells)
                continue
            # Checked in full the first time; afterwards, only what may differ from row to row
            # (the admission, the attempt), inline: this is the loop of every row.
            if (
                mark.contradictions
                or not read.clean
                or read.admissions.get(mark.mark.attempt) != mark.admission
                or read.attempts.setdefault(mark.attempt, row) != row
            ) and not self.check(row, read, mark, cells):
                continue
            enrolment = read.enrolment
            assessment = AssessmentKey(
                enrolment.session, enrolment.group, mark.mark.discipline_key, mark.mark.kind
            )
            assessments.setdefault(assessment, row)
            if mark.mark.examiner_key:
                self.check_examiner(row, assessment, mark.mark)
            good.append(ResultRow(row, enrolment, mark.mark, assessment))
        file.count = count
        return file

    # The cells

    def parse(self, columns, cells):
        values, problems = {}, []
        for column, raw in zip(columns, cells, strict=True):
            parsed = self.parsers[column](raw)
            if parsed.ok:
                values[column] = parsed.value
            else:
                problems.append(Problem(column, parsed.value))
        return values, problems

    def read_enrolment(self, cells):
        values, problems = self.parse(self.enrolment_columns, cells)
        enrolment = None
        if not problems:
            faculty, faculty_key = values["faculty"]
            program_name, program_name_key = values["program_name"]
            code = values["program_code"]
            year = values["academic_year"]
            enrolment = Enrolment(
                session=SessionKey(year, values["term"]),
                faculty=faculty,
                faculty_key=faculty_key,
                program=ProgramKey(
                    code, values["level"], values["form"], "" if code else program_name_key
                ),
                program_code=code,
                program_name=program_name,
                group=GroupKey(year, values["group"]),
                record_book=values["student_id"],
                name=values["student_name"],
                funding=values["funding"],
                year_of_study=values.get("year_of_study"),
            )
            self.file.sessions.add(enrolment.session)
        read = _ReadEnrolment(enrolment, problems, values.get("student_id"))
        self.enrolments[cells] = read
        return read

    def read_mark(self, cells):
        values, problems = self.parse(self.mark_columns, cells)
        mark, contradictions, attempt, admission = None, [], None, ()
        if not problems:
            values["grade"] = _with_points(values, problems)
        if not problems:
            discipline, discipline_key = values["discipline"]
            mark = Mark(
                values["admitted"],
                values["not_admitted_reason"],
                discipline,
                discipline_key,
                values["kind"],
                values["attempt"],
                *values["grade"],
                *values.get("examiner", ("", "")),
            )
            contradictions = _contradictions(mark)
            attempt = AttemptKey(discipline_key, mark.kind, mark.attempt)
            admission = (mark.admitted, mark.reason)
            self.file.disciplines.setdefault(discipline_key, discipline)
        read = _ReadMark(mark, problems, contradictions, attempt, admission)
        self.marks[cells] = read
        return read

    def check_examiner(self, row, assessment, mark):
        """An assessment has one examiner: every row naming one names the same (as matched)."""
        first = self.file.examiners.setdefault(
            assessment, ExaminerFacts(mark.examiner, mark.examiner_key, row)
        )
        if first.key != mark.examiner_key:
            self.file.error(
                row,
                "examiner",
                _(
                    "row %(row)s names another examiner of “%(discipline)s” (%(kind)s) in this "
                    "group: “%(name)s”; an assessment has one examiner"
                )
                % {
                    "row": first.row,
                    "discipline": mark.discipline,
                    "kind": AssessmentKind(mark.kind).label,
                    "name": first.name,
                },
                value=mark.examiner,
            )

    def check_unheaded(self, row, cells):
        for column in self.file.headers.unheaded:
            if cell_text(cells[column.offset]):
                self.file.errors.append(
                    RowError(
                        row,
                        column.letter,
                        _("column %(letter)s has no header but holds data")
                        % {"letter": column.letter},
                        value=cell_text(cells[column.offset]),
                    )
                )

    def unreadable(self, row, read, mark, cells):
        """Every cell of the row that cannot be read, in the file's column order."""
        index = self.file.headers.index
        for problem in sorted(read.problems + mark.problems, key=lambda p: index[p.column]):
            value = cell_text(cells[index[problem.column]])
            self.file.error(row, problem.column, problem.message, value=value)
        if read.enrolment is not None:
            self.file.tainted.add(read.enrolment.record_book)
        else:
            self.file.tainted.add(read.record_book)

    # The rows against each other

    def check(self, row, read, mark, cells):
        """The row's contradictions, and the row against the ones before it: whether it holds
        none of either (an erring row is kept out, its student tainted)."""
        file, enrolment = self.file, read.enrolment
        before = len(file.errors)
        for problem in mark.contradictions:
            value = cell_text(cells[file.headers.index[problem.column]])
            file.error(row, problem.column, problem.message, value=value)
        if not read.clean:
            file.enrolments.add(enrolment)
            read.clean = _check_enrolment(file, row, enrolment)
        self.check_admission(row, read, mark)
        self.check_attempt(row, read, mark)
        if len(file.errors) > before:
            file.tainted.add(enrolment.record_book)
            return False
        return True

    def check_admission(self, row, read, mark):
        enrolment, stage = read.enrolment, mark.mark.attempt
        key = AdmissionKey(enrolment.session, enrolment.record_book, stage)
        admission = self.file.admissions.setdefault(
            key, AdmissionFacts(mark.mark.admitted, mark.mark.reason, enrolment.group, row)
        )
        read.admissions[stage] = (admission.admitted, admission.reason)
        if read.admissions[stage] != mark.admission:
            self.file.error(
                row,
                "admitted",
                _(
                    "row %(row)s gives this student's admission to the same stage of the "
                    "session otherwise; a student has one admission per stage"
                )
                % {"row": admission.row},
            )

    def check_attempt(self, row, read, mark):
        if read.attempts is None:
            enrolment = read.enrolment
            key = SessionStudent(enrolment.session, enrolment.record_book)
            read.attempts = self.attempts.setdefault(key, {})
        first = read.attempts.setdefault(mark.attempt, row)
        if first != row:
            self.file.error(
                row,
                "",
                _(
                    "row %(row)s already holds this student's %(attempt)s attempt at "
                    "“%(discipline)s” (%(kind)s)"
                )
                % {
                    "row": first,
                    "attempt": Attempt(mark.mark.attempt).label,
                    "discipline": mark.mark.discipline,
                    "kind": AssessmentKind(mark.mark.kind).label,
                },
            )


def _blank(cells):
    return all(c.__class__ is str and (not c or not c.strip()) for c in cells)


def _with_points(values, problems):
    """The (value, points) of the grade cell read with the points column's cell (None when
    blank or absent): points there give the grade by the scale, which the grade cell may leave
    blank or must agree with. What disagrees is added to `problems`."""
    grade, points = values["grade"], values.get("points")
    if points is None:
        return grade
    value, grade_points = grade
    scaled = services.points_to_value(points)
    if not values["admitted"]:
        problem = Problem("points", _("the student is not admitted: leave the points blank"))
    elif not forms.points_allowed(values["kind"]):
        problem = Problem("points", rules.not_allowed(points, values["kind"]).message)
    elif grade_points is not None and grade_points != points:
        problem = Problem(
            "grade",
            _("the grade cell says %(grade)s points, the points cell %(points)s")
            % {"grade": grade_points, "points": points},
        )
    elif value and value != scaled:
        problem = Problem(
            "grade",
            _("“%(grade)s” is not what %(points)s points give on the scale (%(scaled)s)")
            % {
                "grade": rules.grade_label(value),
                "points": points,
                "scaled": rules.grade_label(scaled),
            },
        )
    else:
        return scaled, points
    problems.append(problem)
    return grade


def _contradictions(mark):
    """What a row's own cells contradict: the reason against the admission, a grade for a student
    not admitted, a grade the assessment's kind does not take (rules.ALLOWED)."""
    problems = []
    if mark.admitted and mark.reason:
        problems.append(
            Problem("not_admitted_reason", _("leave it blank when the student is admitted"))
        )
    if not mark.admitted and not mark.reason:
        problems.append(
            Problem(
                "not_admitted_reason",
                _("say whether the reason is valid or invalid when not admitted"),
            )
        )
    if mark.grade and not mark.admitted:
        problems.append(Problem("grade", _("the student is not admitted: leave the grade blank")))
    elif mark.points is not None and not forms.points_allowed(mark.kind):
        problems.append(Problem("grade", rules.not_allowed(mark.points, mark.kind).message))
    elif mark.grade and mark.grade not in rules.ALLOWED[mark.kind]:
        problems.append(Problem("grade", rules.not_allowed(mark.grade, mark.kind).message))
    return problems


def _check_enrolment(file, row, enrolment):
    """The row's program, group and student against what the file's earlier rows said of them,
    recording what it is the first to say. Whether it found nothing wrong."""
    before = len(file.errors)
    _check_program(file, row, enrolment)
    _check_group(file, row, enrolment)
    _check_student(file, row, enrolment)
    return len(file.errors) == before


def _check_program(file, row, enrolment):
    file.faculties.setdefault(enrolment.faculty_key, enrolment.faculty)
    program = file.programs.get(enrolment.program)
    if program is None:
        key = enrolment.program
        file.programs[key] = ProgramFacts(
            enrolment.program_code,
            enrolment.program_name,
            key.level,
            key.form,
            enrolment.faculty_key,
            row,
        )
    elif enrolment.program_code and enrolment.program_name != program.name:
        file.error(
            row,
            "program_name",
            _("row %(row)s names the program %(code)s “%(name)s”")
            % {"row": program.row, "code": program.code, "name": program.name},
        )
    # Whether two spellings name one faculty is known once the portal's faculties are read:
    # compared by the check stage.


def _check_group(file, row, enrolment):
    group = file.groups.get(enrolment.group)
    year_of_study = enrolment.year_of_study
    if group is None:
        file.groups[enrolment.group] = GroupFacts(enrolment.program, year_of_study, row)
        return
    if group.program != enrolment.program:
        file.error(
            row,
            "group",
            _("row %(row)s puts the group “%(group)s” in another program")
            % {"row": group.row, "group": enrolment.group.name},
        )
    if year_of_study is not None:
        if group.year_of_study is None:
            group.year_of_study = year_of_study
        elif group.year_of_study != year_of_study:
            file.error(
                row,
                "year_of_study",
                _("row %(row)s gives this group the year of study %(year)s")
                % {"row": group.row, "year": group.year_of_study},
            )


def _check_student(file, row, enrolment):
    record_book, name, session = enrolment.record_book, enrolment.name, enrolment.session
    student = file.students.get(record_book)
    if student is None:
        file.students[record_book] = StudentFacts(
            name, row, session, enrolment.group, enrolment.funding
        )
    else:
        if name != student.name and normalize(name) != normalize(student.name):
            file.error(
                row,
                "student_name",
                _("row %(row)s gives this record book to “%(name)s”")
                % {"row": student.row, "name": student.name},
            )
        if session > student.latest:
            student.latest, student.group = session, enrolment.group
            student.funding = enrolment.funding
    key = SessionStudent(session, record_book)
    in_session = file.in_session.get(key)
    if in_session is None:
        file.in_session[key] = StudentInSession(enrolment.group, enrolment.funding, row)
        return
    if in_session.group != enrolment.group:
        file.error(
            row,
            "group",
            _("row %(row)s puts this student in the group “%(group)s” this session")
            % {"row": in_session.row, "group": in_session.group.name},
        )
    if in_session.funding != enrolment.funding:
        file.error(
            row,
            "funding",
            _("row %(row)s gives this student the funding “%(funding)s”")
            % {"row": in_session.row, "funding": Funding(in_session.funding).label},
        )
