"""The workbook to fill in: the `results` sheet with its headers and an example row, and a `help`
sheet that explains each column in Kyrgyz, Russian and English. The headers, the example's words
and the sheets' names are in the interface's language, each one a word the import reads back."""

import io

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

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
}

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
    columns = [column for column in COLUMNS if column not in OPTIONAL_COLUMNS]
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
    for letter, width in zip("ABCDE", (22, 50, 50, 50, 40), strict=True):
        help_sheet.column_dimensions[letter].width = width
    for row in help_sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
