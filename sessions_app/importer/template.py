"""The workbook to fill in: the `results` sheet with its headers (the required columns and the
examiner's) and an example row, and a `help` sheet that explains each column in Kyrgyz, Russian
and English, then the grade cell's vocabulary
in the interface's language: the words of rules.GRADE_WORDS for each grade, and the points scale
(services.points_to_value). The headers, the example's words and the sheets' names are in the
interface's language, each one a word the import reads back."""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .. import forms, rules, services
from ..choices import AssessmentKind, GradeValue
from .columns import COLUMN_HELP, COLUMNS, OPTIONAL_COLUMNS, header
from .workbook import sheet_name

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
    # Blank: a name the staff do not hold would be added to them; the help sheet says how.
    "examiner": "",
}
# The optional columns the template writes besides the required ones: a dean's office keeps its
# examiners in the same sheet as the grades.
TEMPLATE_OPTIONAL = ("examiner",)

# Per interface language: the help sheet's name and headers, and the example row's words (each one
# in columns.CHOICE_ALIASES, academics.widgets.CHOICE_ALIASES or YES). The results sheet's name
# and the column headers: workbook.sheet_name(), columns.header().
LANGUAGES = {
    "ky": {
        "help_sheet": "жардам",
        "optional": "милдеттүү эмес",
        "help": ("тилке", "Кыргызча", "Орусча", "Англисче", "Башка аталыштары"),
        "example": {
            "level": "бакалавр",
            "form": "күндүзгү",
            "funding": "бюджет",
            "admitted": "ооба",
            "kind": "экзамен",
            "attempt": "негизги",
        },
    },
    "ru": {
        "help_sheet": "справка",
        "optional": "необязательно",
        "help": ("столбец", "Кыргызский", "Русский", "Английский", "Другие заголовки"),
        "example": {
            "level": "бакалавр",
            "form": "очная",
            "funding": "бюджет",
            "admitted": "да",
            "kind": "экзамен",
            "attempt": "основная",
        },
    },
    "en": {
        "help_sheet": "help",
        "optional": "optional",
        "help": ("column", "Kyrgyz", "Russian", "English", "Also headed"),
        "example": {},
    },
}


def template_language():
    """The LANGUAGES entry of the active interface language (English when there is none)."""
    return LANGUAGES.get((translation.get_language() or "en")[:2], LANGUAGES["en"])


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
    language = template_language()
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name()
    columns = [
        column
        for column in COLUMNS
        if column not in OPTIONAL_COLUMNS or column in TEMPLATE_OPTIONAL
    ]
    headers = [header(column) for column in columns]
    example = EXAMPLE_ROW | language["example"]
    sheet.append(headers)
    sheet.append([example[column] for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (column, title) in enumerate(zip(columns, headers, strict=True), start=1):
        width = max(len(title), len(str(example[column]))) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 45)
    sheet.freeze_panes = "A2"

    help_sheet = book.create_sheet(language["help_sheet"])
    help_sheet.append(list(language["help"]))
    for column, aliases in COLUMNS.items():
        name = header(column)
        if column in OPTIONAL_COLUMNS:
            name = f"{name} ({language['optional']})"
        help_sheet.append([name, *COLUMN_HELP[column], "; ".join(aliases)])
    help_sheet.append([])
    for note in TEMPLATE_NOTES:
        help_sheet.append(["", *note])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    _append_vocabulary(help_sheet)
    for letter, width in zip("ABCDE", (22, 50, 50, 50, 40), strict=True):
        help_sheet.column_dimensions[letter].width = width
    for row in help_sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _points_bands():
    """(lowest, highest, value) of each run of points the scale gives one grade, highest first."""
    bands = []
    for points in range(forms.MAX_POINTS + 1):
        value = services.points_to_value(points)
        if bands and bands[-1][2] == value:
            bands[-1][1] = points
        else:
            bands.append([points, points, value])
    return [tuple(band) for band in reversed(bands)]


def word_rows():
    """Each grade, the words written for it and the assessments that take it; a heading first."""
    rows = [[_("Grade"), _("Words accepted in the grade column"), _("Assessments that take it")]]
    for value, words in rules.GRADE_WORDS.items():
        kinds = [kind.label for kind in AssessmentKind if value in rules.ALLOWED[kind.value]]
        rows.append([str(GradeValue(value).label), "; ".join(words), ", ".join(map(str, kinds))])
    return rows


def points_rows():
    """The points scale: what points in the grade column mean, then each band; a heading first."""
    kinds = [str(kind.label) for kind in AssessmentKind if forms.points_allowed(kind)]
    heading = _(
        "A whole number from 0 to 100 in the grade column (87 or 87.0) is points; 2, 3, 4 and 5 "
        "are the grade itself. The points are kept beside the grade."
    )
    rows = [[_("Points"), heading, ", ".join(kinds)]]
    for low, high, value in _points_bands():
        rows.append([f"{low}–{high}", str(GradeValue(value).label), ""])
    return rows


def _append_vocabulary(help_sheet):
    """The grade cell's vocabulary below the columns' help, in the interface's language."""
    for rows in (word_rows(), points_rows()):
        help_sheet.append([])
        help_sheet.append(rows[0])
        for cell in help_sheet[help_sheet.max_row]:
            cell.font = Font(bold=True)
        for row in rows[1:]:
            help_sheet.append(row)
