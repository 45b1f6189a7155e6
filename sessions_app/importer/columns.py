"""The results sheet's columns: the headers each may have (English, Kyrgyz, Russian), the words
its cells may say, what each column means (the template's help sheet), and the parsers that turn
a cell into a value, each remembering the cells it has seen (a results sheet repeats its values:
a hundred thousand rows hold a few thousand distinct cells per column)."""

import functools
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from academics.choices import Funding, Level, StudyForm, Term
from academics.models import AcademicYear
from academics.resources import HEADER_ALIASES, IGNORED_HEADERS
from academics.widgets import NO, YES, ChoiceWidget, cell_text, normalize
from portal.text import search_key

from .. import forms, services
from ..choices import AssessmentKind, Attempt, NotAdmittedReason
from .results import ImportRefused

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
    # Optional: the points of the grade, as a dean's office's own sheet keeps them beside it.
    "points": ("Упай", "Балл", "Баллы", "Упайлар", "Итоговый балл"),
    # Optional: who examined the assessment (its main sheet's examiner), by name; matched to the
    # teaching staff by portal.text.search_key, or added to them (importer.resolve).
    "examiner": (
        "Экзамен алуучу",
        "Экзаменатор",
        "Окутуучу",
        "Преподаватель",
        "Экзамен алуучунун аты-жөнү",
        "ФИО преподавателя",
        "ФИО экзаменатора",
    ),
}
OPTIONAL_COLUMNS = {"year_of_study", "points", "examiner"}
# Which of a column's headers the template writes, and the messages name it by, per interface
# language: the first Kyrgyz or the first Russian one; in English, the column's own name.
HEADER_INDEX = {"ky": 0, "ru": 1}
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
# labels (academics.widgets.CHOICE_ALIASES holds those of the academic structure). The grade
# cell's words are the grade sheet's own, rules.GRADE_WORDS, read by `_grade`.
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
        "Баа: экзамен — 5, 4, 3, 2, келген жок же упай 0–100; сынак — pass (эсептелди), fail "
        "(эсептелген жок), келген жок; сөз менен же кыскача да болот (төмөндө). Уруксат "
        "берилбесе бош. АКЖ катарында бош баа — АКЖга уруксат гана",
        "Оценка: экзамен — 5, 4, 3, 2, неявка или баллы 0–100; зачёт — pass (зачтено), fail "
        "(не зачтено), неявка; можно словами и сокращениями (ниже). Пусто при недопуске. "
        "Пустая оценка в строке АКЖ записывает только допуск",
        "Grade: exam — 5, 4, 3, 2, absent or points 0–100; credit — pass, fail, absent; in "
        "words or their short forms too (below). Blank when not admitted. A retake row with a "
        "blank grade records only the admission to АКЖ",
    ),
    "points": (
        "Упай (0–100), милдеттүү эмес: толтурулса, баа шкала боюнча упайдан чыгат; баа "
        "мамычасы бош калат же ага дал келет. Упайды баа мамычасына да жазууга болот",
        "Баллы (0–100), необязательно: если заполнены, оценка выводится из них по шкале; "
        "столбец оценки пуст или совпадает с ней. Баллы можно писать и в столбец оценки",
        "Points (0–100), optional: when given, the grade is their value on the scale; the grade "
        "cell is then blank or agrees with it. Points may also be written in the grade column",
    ),
    "examiner": (
        "Экзамен алуучунун аты-жөнү, милдеттүү эмес: сабактын ар бир тайпасы үчүн бирөө. "
        "Окутуучулардын ичинен аты боюнча табылат (чоң-кичине тамга, боштук, ё/е, ң/н, ө/о, ү/у "
        "эсепке алынбайт); табылбаса, программанын кафедрасына кошулат. Бош уячада мурдагысы "
        "калат",
        "ФИО экзаменатора, необязательно: один на дисциплину группы. Ищется среди "
        "преподавателей по имени (без учёта регистра, пробелов, ё/е, ң/н, ө/о, ү/у); если не "
        "найден, добавляется на кафедру программы. Пустая ячейка оставляет прежнего",
        "Examiner's full name, optional: one per assessment of a group. Found among the "
        "teaching staff by name (case, spaces, ё/е, ң/н, ө/о, ү/у aside); added to the "
        "program's department when not found. A blank cell keeps the examiner as it is",
    ),
    "year_of_study": (
        "Курс (1–6), милдеттүү эмес: жаңы тайпа үчүн гана",
        "Курс (1–6), необязательно: только для новой группы",
        "Year of study (1–6), optional: only used for a new group",
    ),
}


# The header row


class Unheaded(NamedTuple):
    """A column with no header: it must hold no data."""

    offset: int
    letter: str


class Headers(NamedTuple):
    """Where each column is in the sheet's rows, and its header as the file writes it (errors
    name the column so)."""

    index: dict  # column -> 0-based offset in a row
    labels: dict  # column -> the header as written
    unheaded: list  # [Unheaded]

    def label(self, column):
        return self.labels.get(column, column) if column else ""


def header(column):
    """The header of `column` in the interface's language (the template's, the messages')."""
    index = HEADER_INDEX.get((translation.get_language() or "")[:2])
    if index is None:
        return column
    # "Курс" is both languages' only header of the year of study.
    return COLUMNS[column][min(index, len(COLUMNS[column]) - 1)]


def other_headers(column):
    """The other headers `column` may have, in the interface's script (no English words on a
    Kyrgyz or Russian page)."""
    shown = header(column)
    others = [alias for alias in (column, *COLUMNS[column]) if alias != shown]
    if shown != column:
        others = [alias for alias in others if not alias.isascii()]
    return others


@functools.cache
def _header_lookup():
    lookup = {}
    for column, aliases in COLUMNS.items():
        shared = HEADER_ALIASES.get(_SHARED_ALIASES.get(column), ())
        for alias in (column, *aliases, *shared):
            if lookup.setdefault(normalize(alias), column) != column:
                raise ImproperlyConfigured(f"The header “{alias}” names two columns.")
    return lookup


def read_headers(cells, first_column=0):
    """The Headers of a header row, or ImportRefused naming every unknown, doubled or missing
    column."""
    lookup = _header_lookup()
    problems, index, labels, unheaded = [], {}, {}, []
    for offset, cell in enumerate(cells):
        text = cell_text(cell)
        letter = get_column_letter(first_column + offset + 1)
        if not text:
            unheaded.append(Unheaded(offset, letter))
            continue
        key = normalize(text)
        if key in IGNORED_HEADERS:
            continue
        column = lookup.get(key)
        if column is None:
            problems.append(
                _("Unknown column “%(header)s” (column %(letter)s). The columns are: %(columns)s.")
                % {
                    "header": text,
                    "letter": letter,
                    "columns": ", ".join(f"“{header(column)}”" for column in COLUMNS),
                }
            )
        elif column in index:
            problems.append(
                _("The columns “%(first)s” and “%(second)s” are both “%(column)s”.")
                % {"first": labels[column], "second": text, "column": header(column)}
            )
        else:
            index[column] = offset
            labels[column] = text
    for column in COLUMNS:
        if column not in index and column not in OPTIONAL_COLUMNS:
            problems.append(
                _("Missing column “%(column)s” (it may also be headed: %(aliases)s).")
                % {
                    "column": header(column),
                    "aliases": ", ".join(f"“{a}”" for a in other_headers(column)[:2]),
                }
            )
    if problems:
        raise ImportRefused(problems)
    return Headers(index, labels, unheaded)


# Cells


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


class Parsed(NamedTuple):
    """A cell read: its value, or (not ok) why it could not be read."""

    ok: bool
    value: object


class Column:
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
            result = Parsed(True, self.parse(raw))
        except ValueError as error:
            result = Parsed(False, str(error))
        except TypeError:
            result = Parsed(False, _("“%(value)s” cannot be read") % {"value": raw})
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


def _examiner(raw):
    """The examiner's name as written (spaces collapsed) and as matched (portal.text.search_key:
    the project's one rule of when two names are one); ("", "") for a blank cell."""
    text = _text(200, required=False)(raw)
    return text, search_key(text)


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
                # The labels, in the interface's language, are words the import reads too.
                % {"value": text, "choices": ", ".join(str(label) for label in choices.labels)}
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


def _grade(raw):
    """A grade cell as (value, points): a word of rules.GRADE_WORDS or a digit 2–5 is the value
    (points None); other whole numbers 0–100 are points, converted by the scale; ("", None) is a
    blank. What the grade sheet page accepts (forms.read_cell), whatever the kind: whether the
    assessment takes it is checked with the row's kind (records._contradictions)."""
    read = forms.read_cell(cell_text(raw))
    if isinstance(read, int):
        return services.points_to_value(read), read
    return read, None


def _points(raw):
    """The points column's cell: whole points 0–100 (forms.read_points), None when blank."""
    text = cell_text(raw)
    return forms.read_points(text) if text else None


def parsers():
    """A fresh parser per column: each remembers the cells of one import."""
    return {
        "academic_year": Column(_academic_year),
        "term": Column(_choice(Term)),
        "faculty": Column(_keyed(_text(200))),
        "program_code": Column(_text(20, required=False)),
        "program_name": Column(_keyed(_text(250))),
        "level": Column(_choice(Level)),
        "form": Column(_choice(StudyForm)),
        "group": Column(_text(40)),
        "student_id": Column(_text(30)),
        "student_name": Column(_text(200)),
        "funding": Column(_choice(Funding)),
        "admitted": Column(_yes_no),
        "not_admitted_reason": Column(_choice(NotAdmittedReason, required=False)),
        "discipline": Column(_keyed(_text(250))),
        "kind": Column(_choice(AssessmentKind)),
        "attempt": Column(_choice(Attempt)),
        "grade": Column(_grade),
        "year_of_study": Column(_year_of_study),
        "points": Column(_points),
        "examiner": Column(_examiner),
    }
