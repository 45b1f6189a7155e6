"""The results import: a session's results workbook, read fast, checked whole, written at once.

Reading: python-calamine reads the values (openpyxl takes eight times as long on 100 000 rows);
it returns the values cached by Excel, so the sheet's XML is first scanned for formulas, which are
refused. Checking: every row against the rest of the file and against the portal, keeping every
error with its Excel row, the column as headed in the file and the reason. Writing: only a file
without errors, in one transaction, with bulk writes; admissions and grades go through the
service functions (services.import_admissions, services.import_grades), which keep the audit
and refuse submitted and locked sheets. A file imported twice changes nothing the second time.
"""

import functools
import io
import os
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from posixpath import normpath
from xml.etree import ElementTree

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from academics.choices import Funding, Level, StudyForm, Term
from academics.models import AcademicYear, Discipline, Faculty, Program, Student, StudyGroup
from academics.querysets import user_faculty_id
from academics.resources import HEADER_ALIASES, IGNORED_HEADERS
from academics.widgets import NO, YES, ChoiceWidget, cell_text, normalize
from portal import uploads

from . import figures, rules, services
from .choices import (
    AssessmentKind,
    Attempt,
    ChangeSource,
    GradeValue,
    NotAdmittedReason,
    SheetStatus,
)
from .models import Admission, Assessment, ExamSession, Grade, GradeSheet

# Limits, checked before anything is parsed. 100 000 result rows make a file of about 4 MB that
# unpacks to about 60 MB.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 600 * 1024 * 1024
MAX_ROWS = 200_000

SHEET_NAMES = ("results", "натыйжалар", "результаты")

# Each column: its canonical English header, which the template writes, and the Kyrgyz and
# Russian headers a sheet may use instead. Columns the admin imports share take their aliases too
# (academics.resources.HEADER_ALIASES), so one sheet's headers work in both. Matching ignores
# case, surrounding spaces, "ё"/"е", "_" and "-" (academics.widgets.normalize).
COLUMNS = {
    "academic_year": ("Окуу жылы", "Учебный год"),
    "term": ("Жарым жылдык", "Семестр"),
    "faculty": ("Факультет", "Факультет/колледж", "Институт", "Бөлүм"),
    "program_code": ("Программанын коду", "Код программы"),
    "program_name": ("Программанын аталышы", "Название программы"),
    "level": ("Деңгээл", "Уровень"),
    "form": ("Окуу түрү", "Форма обучения"),
    "group": ("Тайпа", "Группа"),
    "student_id": (
        "Зачеттук китепченин №",
        "Номер зачётки",
        "student id",
        "record book",
        "record_book",
    ),
    "student_name": ("Аты-жөнү", "ФИО", "student", "Студент"),
    "funding": ("Окуу негизи", "Основа обучения"),
    "admitted": ("Уруксат", "Допуск", "Сессияга уруксат", "Допуск к сессии", "admission"),
    "not_admitted_reason": (
        "Уруксат берилбөө себеби",
        "Причина недопуска",
        "Уруксат берилбегендин себеби",
        "Себеби",
        "Причина",
        "reason",
    ),
    "discipline": ("Сабак", "Дисциплина", "Сабактын аталышы", "Предмет", "subject"),
    "kind": ("Текшерүү түрү", "Вид контроля", "Форма контроля", "assessment"),
    "attempt": ("Аракет", "Попытка", "Тапшыруу", "Сдача", "stage"),
    "grade": ("Баа", "Оценка", "mark"),
    # Optional: the year of study of a group the import creates (1 when the column is absent).
    "year_of_study": ("Курс",),
}
OPTIONAL_COLUMNS = {"year_of_study"}
_SHARED_ALIASES = {
    "academic_year": "academic_year",
    "term": "term",
    "program_code": "program_code",
    "program_name": "program_name",
    "level": "level",
    "form": "form",
    "group": "group",
    "student_id": "record_book",
    "student_name": "full_name",
    "funding": "funding",
    "year_of_study": "year_of_study",
}

# What the cells of the sessions' own vocabularies may say besides the stored value and the
# labels (academics.widgets.CHOICE_ALIASES holds those of the academic structure).
CHOICE_ALIASES = {
    AssessmentKind: {
        AssessmentKind.EXAM: ("экзамен",),
        AssessmentKind.CREDIT: ("сынак", "зачет", "зачёт"),
        AssessmentKind.COURSE_WORK: (
            "курстук иш",
            "курстук долбоор",
            "курсовая работа",
            "курсовой проект",
        ),
        AssessmentKind.PRACTICE: ("практика", "тажрыйба"),
    },
    Attempt: {
        Attempt.MAIN: (
            "main",
            "негизги",
            "негизги сессия",
            "сессия",
            "основная",
            "основная сессия",
            "основной",
        ),
        Attempt.RETAKE: (
            "retake",
            "акж",
            "академиялык карызды жоюу",
            "кайра тапшыруу",
            "лаз",
            "пересдача",
            "ликвидация задолженности",
            "ликвидация академической задолженности",
        ),
    },
    NotAdmittedReason: {
        NotAdmittedReason.VALID: (
            "valid",
            "себептүү",
            "себептүү себеп",
            "уважительная",
            "уважительная причина",
            "по уважительной причине",
        ),
        NotAdmittedReason.INVALID: (
            "invalid",
            "себепсиз",
            "неуважительная",
            "неуважительная причина",
            "по неуважительной причине",
        ),
    },
    GradeValue: {
        GradeValue.EXCELLENT: ("эң жакшы", "отлично", "excellent"),
        GradeValue.GOOD: ("жакшы", "хорошо", "good"),
        GradeValue.SATISFACTORY: ("канааттандырарлык", "удовлетворительно", "satisfactory"),
        GradeValue.UNSATISFACTORY: (
            "канааттандырарлык эмес",
            "канааттандырарлыксыз",
            "неудовлетворительно",
            "unsatisfactory",
        ),
        GradeValue.ABSENT: (
            "келген жок",
            "келбеди",
            "келбеген",
            "неявка",
            "не явился",
            "не явилась",
            "н/я",
            "no show",
        ),
        GradeValue.PASS: (
            "эсептелди",
            "сынак коюлду",
            "өттү",
            "зачтено",
            "зачет",
            "passed",
        ),
        GradeValue.FAIL: (
            "эсептелген жок",
            "сынак коюлган жок",
            "өткөн жок",
            "не зачтено",
            "незачет",
            "failed",
        ),
    },
}
ADMITTED = YES + ("admitted", "уруксат берилди", "уруксат берилген", "допущен", "допущена")
NOT_ADMITTED = NO + (
    "not admitted",
    "уруксат берилген жок",
    "уруксат жок",
    "не допущен",
    "не допущена",
)

# What each column says in the template's "help" sheet: Kyrgyz, Russian, English. Data for a
# trilingual sheet rather than interface text, so not marked for translation.
COLUMN_HELP = {
    "academic_year": (
        "Окуу жылы, мисалы 2023-2024",
        "Учебный год, например 2023-2024",
        "Academic year, e.g. 2023-2024",
    ),
    "term": (
        "Жарым жылдык: 1 (кышкы сессия) же 2 (жайкы сессия)",
        "Семестр: 1 (зимняя сессия) или 2 (летняя сессия)",
        "Term: 1 (winter session) or 2 (summer session)",
    ),
    "faculty": (
        "Факультеттин же колледждин аталышы (кыскача аты же коду да болот)",
        "Название факультета или колледжа (можно краткое название или код)",
        "Faculty or college (its name, short name or code)",
    ),
    "program_code": (
        "Программанын коду, мисалы 710400; кыска мөөнөттөгү курс үчүн бош",
        "Код программы, например 710400; пусто для краткосрочного курса",
        "Program code, e.g. 710400; blank for a short course",
    ),
    "program_name": (
        "Билим берүү программасынын аталышы",
        "Название образовательной программы",
        "Program name",
    ),
    "level": (
        "Деңгээл: бакалавр, адис, магистр, PhD, орто кесиптик, кыска мөөнөттөгү курс",
        "Уровень: бакалавр, специалист, магистр, PhD, среднее профессиональное, краткосрочный курс",
        "Level: bachelor, specialist, master, PhD, secondary professional, short course",
    ),
    "form": (
        "Окуу түрү: күндүзгү же сырттан",
        "Форма обучения: очная или заочная",
        "Study form: day or extramural",
    ),
    "group": (
        "Тайпанын аталышы (окуу жылынын ичинде кайталанбайт)",
        "Название группы (не повторяется в пределах учебного года)",
        "Study group (its name is unique within the academic year)",
    ),
    "student_id": (
        "Зачеттук китепченин номери: студенттин өзгөчө белгиси",
        "Номер зачётной книжки: по нему узнаётся студент",
        "Record-book number: what identifies the student",
    ),
    "student_name": ("Студенттин аты-жөнү", "ФИО студента", "Student's full name"),
    "funding": (
        "Окуу негизи: бюджет же контракт",
        "Основа обучения: бюджет или контракт",
        "Funding: budget or contract",
    ),
    "admitted": (
        "Уруксат: ооба же жок. Негизги катарда — сессияга уруксат, АКЖ катарында — АКЖга уруксат",
        "Допуск: да или нет. В строке основной сессии — допуск к сессии, в строке АКЖ — "
        "допуск к АКЖ",
        "Admitted: yes or no. On a main row, admission to the session; on a retake row, "
        "admission to АКЖ",
    ),
    "not_admitted_reason": (
        "Уруксат берилбөө себеби: себептүү же себепсиз; уруксат берилсе бош",
        "Причина недопуска: уважительная или неуважительная; пусто, если допущен",
        "Reason not admitted: valid or invalid; blank when admitted",
    ),
    "discipline": ("Сабактын аталышы", "Название дисциплины", "Discipline"),
    "kind": (
        "Текшерүү түрү: экзамен же сынак",
        "Вид контроля: экзамен или зачёт",
        "Kind: exam or credit",
    ),
    "attempt": (
        "Аракет: негизги (сессия) же АКЖ (академиялык карызды жоюу)",
        "Попытка: основная (сессия) или АКЖ (ликвидация академической задолженности)",
        "Attempt: main (the session) or retake (АКЖ)",
    ),
    "grade": (
        "Баа: экзамен — 5, 4, 3, 2, келген жок; сынак — pass (эсептелди), fail (эсептелген "
        "жок), келген жок. Уруксат берилбесе бош. АКЖ катарында бош баа — АКЖга уруксат гана",
        "Оценка: экзамен — 5, 4, 3, 2, неявка; зачёт — pass (зачтено), fail (не зачтено), "
        "неявка. Пусто при недопуске. Пустая оценка в строке АКЖ записывает только допуск",
        "Grade: exam — 5, 4, 3, 2, absent; credit — pass, fail, absent. Blank when not "
        "admitted. A retake row with a blank grade records only the admission to АКЖ",
    ),
    "year_of_study": (
        "Курс (1–6), милдеттүү эмес: жаңы тайпа үчүн гана",
        "Курс (1–6), необязательно: только для новой группы",
        "Year of study (1–6), optional: only used for a new group",
    ),
}

EXAMPLE_ROW = {
    "academic_year": "2023-2024",
    "term": 2,
    "faculty": "Информациялык технологиялар жана байланыш факультети",
    "program_code": "710400",
    "program_name": "Программалык инженерия",
    "level": "bachelor",
    "form": "day",
    "group": "ПИ-1-23",
    "student_id": "2300123",
    "student_name": "Асанов Бакыт",
    "funding": "budget",
    "admitted": "yes",
    "not_admitted_reason": "",
    "discipline": "Жогорку математика",
    "kind": "exam",
    "attempt": "main",
    "grade": "4",
}

BATCH = services.IMPORT_BATCH
PROGRESS_EVERY = 1000  # rows between two calls of an import's progress callback
ANALYZE_AFTER = 10_000  # grades written by one import
_IN_CHUNK = 900


# Results


class ImportRefused(uploads.Refused):
    """The file as a whole cannot be imported (not an .xlsx, too large, formulas, headers)."""


@dataclass(frozen=True)
class RowError:
    """One bad cell or row: the Excel row number, the column as headed in the file, why."""

    row: int | None
    column: str
    message: str
    # Outside the importing user's faculty: the import is refused as forbidden.
    forbidden: bool = False

    def __str__(self):
        if self.row is None:
            return self.message
        if self.column:
            return _("Row %(row)s, column “%(column)s”: %(reason)s") % {
                "row": self.row,
                "column": self.column,
                "reason": self.message,
            }
        return _("Row %(row)s: %(reason)s") % {"row": self.row, "reason": self.message}


COUNTED_MODELS = (
    AcademicYear,
    Faculty,
    Program,
    StudyGroup,
    Student,
    Discipline,
    ExamSession,
    Assessment,
    Admission,
    GradeSheet,
    Grade,
)


@dataclass
class ImportResult:
    rows: int = 0
    errors: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # model -> services.WriteCounts
    dry_run: bool = False
    written: bool = False
    timings: dict = field(default_factory=dict)

    @property
    def ok(self):
        return not self.errors

    @property
    def forbidden(self):
        return any(error.forbidden for error in self.errors)

    def count_rows(self):
        """(model, counts) in the order things are written, for the preview and the command."""
        return [(model, self.counts.get(model, services.WriteCounts())) for model in COUNTED_MODELS]

    @property
    def changed(self):
        return sum(counts.changed for counts in self.counts.values())


def can_import(user):
    """Superusers, and dean's office staff for their own faculty's rows."""
    if user.is_superuser:
        return True
    faculty_id = user_faculty_id(user)
    return faculty_id not in (None, -1) and user.has_perm("sessions_app.change_grade")


# Reading


def _not_xlsx():
    return _(
        "This file is not an Excel workbook (.xlsx). Open it in Excel or LibreOffice and save it "
        "as “Excel Workbook (.xlsx)”, then import that file."
    )


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f}"


def _as_stream(source):
    """A seekable binary stream and, when the source is a file on disk, its path."""
    if isinstance(source, str | os.PathLike):
        return open(source, "rb"), os.fspath(source)  # closed by read_sheet()
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source), None
    return source, None


def _size(stream):
    position = stream.tell()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _parse_small_xml(archive, name):
    info = archive.getinfo(name)
    if info.file_size > 10 * 1024 * 1024:
        raise ImportRefused(_not_xlsx())
    data = archive.read(name)
    # No DTDs: they are never in a workbook, and entity expansion is how XML bombs work.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ImportRefused(_not_xlsx())
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise ImportRefused(_not_xlsx()) from None


def _results_sheet(archive):
    """The name and the XML part of the results sheet."""
    workbook = _parse_small_xml(archive, "xl/workbook.xml")
    sheets = []
    for element in workbook.iter():
        if _local(element.tag) == "sheet":
            rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
            sheets.append((element.get("name", ""), rel_id))
    wanted = {normalize(name) for name in SHEET_NAMES}
    found = [(name, rel_id) for name, rel_id in sheets if normalize(name) in wanted]
    if not found:
        raise ImportRefused(
            _(
                "The workbook has no sheet named “results”; its sheets are: %(sheets)s. Name the "
                "sheet with the results “results” (or download the template)."
            )
            % {"sheets": ", ".join(f"“{name}”" for name, _rel in sheets) or "—"}
        )
    name, rel_id = found[0]
    targets = {}
    if "xl/_rels/workbook.xml.rels" in archive.namelist():
        for element in _parse_small_xml(archive, "xl/_rels/workbook.xml.rels").iter():
            if _local(element.tag) == "Relationship":
                targets[element.get("Id")] = element.get("Target", "")
    target = targets.get(rel_id, "")
    path = target.lstrip("/") if target.startswith("/") else normpath(f"xl/{target}")
    if not target or path not in archive.namelist():
        raise ImportRefused(_not_xlsx())
    return name, path


def _scan_sheet(archive, path):
    """Count the rows and find the formula cells of a sheet (portal.uploads.scan_sheet, the one
    formula detector of every import)."""
    try:
        return uploads.scan_sheet(archive, path)
    except uploads.DoctypeFound:
        raise ImportRefused(_not_xlsx()) from None


def _check_members(archive, skip):
    """Read every other part through zipfile, which stops at the declared size and checks the
    CRC: a part that unpacks to more than it declares (a zip bomb) fails here, not in memory."""
    for info in archive.infolist():
        if info.filename != skip and not info.is_dir():
            with archive.open(info) as member:
                while member.read(1 << 20):
                    pass


@dataclass
class Sheet:
    name: str
    headers: list  # the cells of the header row
    rows: object  # iterator of the following rows, each a list of cell values
    first_row: int  # 0-based index of the header row
    first_column: int  # 0-based index of the first column
    row_count: int
    _book: object = None

    def close(self):
        if self._book is not None:
            self._book.close()


def read_sheet(source):
    """Open the results sheet, refusing what is not a plain .xlsx within the limits.

    Raises ImportRefused with a message for the person who made the file.
    """
    stream, path = _as_stream(source)
    try:
        return _read_sheet(stream, path)
    finally:
        if path is not None:
            stream.close()


def _read_sheet(stream, path):
    size = _size(stream)
    if size == 0:
        raise ImportRefused(_("The file is empty."))
    if size > MAX_FILE_BYTES:
        raise ImportRefused(
            _(
                "The file is %(size)s MB; at most %(max)s MB can be imported at once. Split the "
                "results into several files, for example by faculty."
            )
            % {"size": _megabytes(size), "max": _megabytes(MAX_FILE_BYTES)}
        )
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            _(
                "This is an old-format .xls workbook or a password-protected one. Save it as "
                "“Excel Workbook (.xlsx)” without a password, then import that file."
            )
        )
    if not head.startswith(b"PK\x03\x04"):
        raise ImportRefused(_not_xlsx())
    try:
        archive = zipfile.ZipFile(stream)
        names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise ImportRefused(_not_xlsx()) from None
    with archive:
        if "xl/workbook.xml" not in names:
            raise ImportRefused(_not_xlsx())
        # A zip bomb declares its true size here; an archive that lies about it fails the
        # CRC check while it is read.
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise ImportRefused(
                _(
                    "The workbook unpacks to %(size)s MB, more than the %(max)s MB one import "
                    "may hold. Split the results into several files."
                )
                % {"size": _megabytes(unpacked), "max": _megabytes(MAX_UNPACKED_BYTES)}
            )
        try:
            # Parts, compression ratios and DTDs, before anything is parsed.
            uploads.check_archive(archive, os.path.basename(path) if path else "results.xlsx")
        except uploads.UploadRefused as refusal:
            raise ImportRefused(refusal.messages) from None
        try:
            name, part = _results_sheet(archive)
            rows, formulas = _scan_sheet(archive, part)
            _check_members(archive, skip=part)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise ImportRefused(_not_xlsx()) from None
    if formulas:
        shown = ", ".join(ref for ref in formulas[:10] if ref)
        raise ImportRefused(
            _(
                "The sheet “%(sheet)s” holds %(count)s formulas (cells %(cells)s). Import "
                "values only: copy the sheet and paste it as values, then save and import again."
            )
            % {"sheet": name, "count": len(formulas), "cells": shown}
        )
    if rows > MAX_ROWS + 1:
        raise ImportRefused(
            _("The sheet has %(rows)s rows; at most %(max)s can be imported at once.")
            % {"rows": rows - 1, "max": MAX_ROWS}
        )

    stream.seek(0)
    try:
        book = (
            CalamineWorkbook.from_path(path)
            if path is not None
            else CalamineWorkbook.from_filelike(stream)
        )
        sheet = book.get_sheet_by_name(name)
    except CalamineError as error:
        raise ImportRefused(
            _("The workbook could not be read (%(error)s). Save it again as .xlsx and retry.")
            % {"error": error}
        ) from None
    start = sheet.start
    if start is None or sheet.height == 0:
        book.close()
        raise ImportRefused(_("The sheet “%(sheet)s” is empty.") % {"sheet": name})
    if start[0] != 0:
        book.close()
        raise ImportRefused(
            _(
                "The headers must be in row 1 of the sheet “%(sheet)s”; its first filled row "
                "is row %(row)s."
            )
            % {"sheet": name, "row": start[0] + 1}
        )
    rows_iter = iter(sheet.iter_rows())
    headers = next(rows_iter)
    return Sheet(name, headers, rows_iter, start[0], start[1], sheet.height, book)


# Cells


@functools.cache
def _header_lookup():
    lookup = {}
    for column, aliases in COLUMNS.items():
        shared = HEADER_ALIASES.get(_SHARED_ALIASES.get(column), ())
        for alias in (column, *aliases, *shared):
            if lookup.setdefault(normalize(alias), column) != column:
                raise ImproperlyConfigured(f"The header “{alias}” names two columns.")
    return lookup


@functools.cache
def _choice_lookup(choices):
    """Cell text -> stored value: our aliases, then what the admin imports accept."""
    lookup = {}
    for value, aliases in CHOICE_ALIASES.get(choices, {}).items():
        for alias in (value, *aliases):
            if lookup.setdefault(normalize(alias), value) != value:
                raise ImproperlyConfigured(f"{choices.__name__}: “{alias}” names two values.")
    for key, value in ChoiceWidget(choices).lookup().items():
        lookup.setdefault(key, value)
    return lookup


class _Column:
    """A column's parser, remembering each distinct cell: a results sheet repeats its values."""

    def __init__(self, parse):
        self.parse = parse
        self.seen = {}

    def __call__(self, raw):
        key = (raw.__class__, raw)
        try:
            return self.seen[key]
        except KeyError:
            pass
        try:
            result = (True, self.parse(raw))
        except ValueError as error:
            result = (False, str(error))
        except TypeError:
            result = (False, _("“%(value)s” cannot be read") % {"value": raw})
        if len(self.seen) < 200_000:
            self.seen[key] = result
        return result


def _required():
    return _("a value is required")


def _text(max_length, required=True):
    def parse(raw):
        text = " ".join(cell_text(raw).split())
        if not text and required:
            raise ValueError(_required())
        if len(text) > max_length:
            raise ValueError(
                _("longer than %(max)s characters") % {"max": max_length},
            )
        return text

    return parse


def _keyed(parse):
    """The text and the form in which it is compared, worked out once per distinct cell."""

    def keyed(raw):
        text = parse(raw)
        return text, normalize(text)

    return keyed


def _choice(choices, required=True):
    lookup = _choice_lookup(choices)

    def parse(raw):
        text = cell_text(raw)
        if not text:
            if required:
                raise ValueError(_required())
            return ""
        try:
            return lookup[normalize(text)]
        except KeyError:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s")
                % {"value": text, "choices": ", ".join(str(v) for v in choices.values)}
            ) from None

    return parse


def _yes_no(raw):
    if isinstance(raw, bool):
        return raw
    text = normalize(raw)
    if not text:
        raise ValueError(_required())
    if text in _YES_NO:
        return _YES_NO[text]
    raise ValueError(
        _("“%(value)s” is neither yes nor no (ооба/жок, да/нет)") % {"value": cell_text(raw)}
    )


_YES_NO = {normalize(word): True for word in ADMITTED} | {
    normalize(word): False for word in NOT_ADMITTED
}


def _academic_year(raw):
    text = cell_text(raw)
    if not text:
        raise ValueError(_required())
    start_year = AcademicYear.parse_name(text)
    if not 1990 <= start_year <= 2100:
        raise ValueError(_("%(value)s is not a plausible academic year") % {"value": text})
    return start_year


def _year_of_study(raw):
    text = cell_text(raw)
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 6:
        raise ValueError(_("the year of study is a whole number from 1 to 6"))
    return int(text)


def _parsers():
    return {
        "academic_year": _Column(_academic_year),
        "term": _Column(_choice(Term)),
        "faculty": _Column(_keyed(_text(200))),
        "program_code": _Column(_text(20, required=False)),
        "program_name": _Column(_keyed(_text(250))),
        "level": _Column(_choice(Level)),
        "form": _Column(_choice(StudyForm)),
        "group": _Column(_text(40)),
        "student_id": _Column(_text(30)),
        "student_name": _Column(_text(200)),
        "funding": _Column(_choice(Funding)),
        "admitted": _Column(_yes_no),
        "not_admitted_reason": _Column(_choice(NotAdmittedReason, required=False)),
        "discipline": _Column(_keyed(_text(250))),
        "kind": _Column(_choice(AssessmentKind)),
        "attempt": _Column(_choice(Attempt)),
        "grade": _Column(_choice(GradeValue, required=False)),
        "year_of_study": _Column(_year_of_study),
    }


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


def count_rows(source):
    """The rows of the results sheet below its headers, counted from the sheet's XML without
    reading the cells (blank rows included): how big an import is, before it runs. Raises
    ImportRefused as read_sheet() does for a file that is not a readable .xlsx."""
    stream, path = _as_stream(source)
    try:
        stream.seek(0)
        if not stream.read(4).startswith(b"PK\x03\x04"):
            raise ImportRefused(_not_xlsx())
        stream.seek(0)
        try:
            with zipfile.ZipFile(stream) as archive:
                _name, part = _results_sheet(archive)
                rows, _formulas = _scan_sheet(archive, part)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, KeyError):
            raise ImportRefused(_not_xlsx()) from None
        return max(rows - 1, 0)
    finally:
        if path is not None:
            stream.close()


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
        lookup = _header_lookup()
        problems, index, self.headers = [], {}, {}
        self.unheaded = []
        for offset, cell in enumerate(self.sheet.headers):
            text = cell_text(cell)
            letter = get_column_letter(self.sheet.first_column + offset + 1)
            if not text:
                self.unheaded.append((offset, letter))
                continue
            key = normalize(text)
            if key in IGNORED_HEADERS:
                continue
            column = lookup.get(key)
            if column is None:
                problems.append(
                    _(
                        "Unknown column “%(header)s” (column %(letter)s). The columns are: "
                        "%(columns)s."
                    )
                    % {"header": text, "letter": letter, "columns": ", ".join(COLUMNS)}
                )
            elif column in index:
                problems.append(
                    _("The columns “%(first)s” and “%(second)s” are both “%(column)s”.")
                    % {"first": self.headers[column], "second": text, "column": column}
                )
            else:
                index[column] = offset
                self.headers[column] = text
        for column, aliases in COLUMNS.items():
            if column not in index and column not in OPTIONAL_COLUMNS:
                problems.append(
                    _("Missing column “%(column)s” (it may also be headed: %(aliases)s).")
                    % {"column": column, "aliases": ", ".join(f"“{a}”" for a in aliases[:2])}
                )
        if problems:
            raise ImportRefused(problems)
        self.index = index

    # Pass 1: each row, and the rows against each other

    def read_rows(self):
        parsers = _parsers()
        spec = [
            (column, index, parsers[column].seen, parsers[column])
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


# The template


TEMPLATE_NOTES = (
    (
        "Бир катар — бир студенттин бир сабак боюнча бир аракети (негизги же АКЖ). Аталыштар "
        "1-катарда; кыргызча, орусча же англисче жазылышы мүмкүн.",
        "Одна строка — одна попытка одного студента по одной дисциплине (основная или АКЖ). "
        "Заголовки — в строке 1, на кыргызском, русском или английском.",
        "One row per student × assessment × attempt (main or retake). Headers in row 1, in "
        "Kyrgyz, Russian or English.",
    ),
    (
        "Формулалар эмес, маанилер гана. Бир катарда ката болсо, файлдан эч нерсе жазылбайт.",
        "Только значения, без формул. Если хоть одна строка с ошибкой, ничего не записывается.",
        "Values only, no formulas. A file with any bad row writes nothing.",
    ),
)


def build_template():
    """The workbook to fill in: the `results` sheet with its headers and one example row, and a
    `help` sheet that explains each column in Kyrgyz, Russian and English."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "results"
    headers = [column for column in COLUMNS if column not in OPTIONAL_COLUMNS]
    sheet.append(headers)
    sheet.append([EXAMPLE_ROW[column] for column in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(headers, start=1):
        width = max(len(column), len(str(EXAMPLE_ROW[column]))) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 45)
    sheet.freeze_panes = "A2"

    help_sheet = book.create_sheet("help")
    help_sheet.append(["column", "Кыргызча", "Русский", "English", "Also headed / Башка аталыш"])
    for column, aliases in COLUMNS.items():
        name = f"{column} (optional)" if column in OPTIONAL_COLUMNS else column
        help_sheet.append([name, *COLUMN_HELP[column], "; ".join(aliases)])
    help_sheet.append([])
    for note in TEMPLATE_NOTES:
        help_sheet.append(["", *note])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (22, 50, 50, 50, 40), strict=True):
        help_sheet.column_dimensions[letter].width = width
    for row in help_sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
