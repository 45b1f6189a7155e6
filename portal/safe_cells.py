"""Text made safe for a spreadsheet cell: every Excel and CSV export of every app writes its cells
through safe_cell (the report's workbook, the dashboard's and the registries' tables, the admin's
django-import-export exports), so that a name typed as "=HYPERLINK(...)" is shown, never run."""

import datetime
import re
from decimal import Decimal

# A text beginning with one of these is run as a formula by spreadsheet programs (CSV/formula
# injection); a tab or carriage return in front does not hide it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters an .xlsx cannot hold (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_text(value):
    """`value` as spreadsheet text that is shown, never run: a text that a spreadsheet would read
    as a formula gets a leading apostrophe; characters an .xlsx cannot hold are dropped. Every
    text cell of every export goes through here."""
    if value is None:
        return ""
    text = _ILLEGAL.sub("", str(value))
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def safe_cell(value):
    """A cell of any export: numbers, dates and booleans as they are (a negative number stays a
    number), anything else as safe_text. The one function every Excel and CSV export uses."""
    if isinstance(value, int | float | Decimal | datetime.date | datetime.time | bool):
        return value
    return safe_text(value)
