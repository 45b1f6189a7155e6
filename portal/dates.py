"""How the portal writes a date: short (15.06.2026) in tables and forms, long in documents (the
resolution, the printed sheet), in each language's grammatical form.

Django's formats give Russian the genitive month ("15 июня 2026 г.", `E`); for Kyrgyz they give
the nominative ("15 Июнь 2026 ж."), which a Kyrgyz document does not write. Kyrgyz official usage
is the year in the genitive and the day's ordinal with the month's possessive form:
"2026-жылдын 15-июну"."""

from django.utils import formats
from django.utils.translation import get_language

# The month's possessive (3rd person) form after the day's ordinal: "15-июну", "1-сентябры".
KY_MONTHS = (
    "январы",
    "февралы",
    "марты",
    "апрели",
    "майы",
    "июну",
    "июлу",
    "августу",
    "сентябры",
    "октябры",
    "ноябры",
    "декабры",
)

# The long form for the other languages, in Django's date format characters.
LONG_FORMATS = {"ru": "j E Y г.", "en": "F j, Y"}


def short_date(value):
    """15.06.2026 in Kyrgyz and Russian, 06/15/2026 in English; "—" for no date."""
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def long_date(value):
    """ "2026-жылдын 15-июну", "15 июня 2026 г.", "June 15, 2026"; "—" for no date."""
    if not value:
        return "—"
    language = (get_language() or "ky").split("-")[0]
    if language == "ky":
        return f"{value.year}-жылдын {value.day}-{KY_MONTHS[value.month - 1]}"
    return formats.date_format(value, LONG_FORMATS.get(language, "DATE_FORMAT"))
