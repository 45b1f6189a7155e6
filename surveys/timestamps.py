"""The moment a survey answer was given, as the form services write it.

Google Forms' "Download responses (.csv)" writes `2024/06/24 10:34:07 AM GMT+6` from an
English-language account and `24.06.2024 10:34:07` (24-hour clock, sometimes with an offset) from
a Russian or Kyrgyz one; its linked Google Sheet, downloaded as CSV, writes the sheet's locale:
`6/24/2024 10:34:07` (United States), `24/06/2024 10:34:07` (United Kingdom),
`24.06.2024 10:34:07` (Russia, Kyrgyzstan). Microsoft Forms' workbook holds real date cells (its
CSV copies write `6/24/24 10:34:07 AM`). An .xlsx from any of them may hold a date cell.

Every form is read the same way: a date (year first with "/" or "-", day first with dots, or two
numbers and a year with "/"), a time on the 12- or 24-hour clock (AM/PM, a.m./p.m., ДП/ПП,
таңкы/түштөн кийин), and an offset (GMT+6, UTC+05:30, +06:00, Z). A moment without an offset is
the university's time (settings.TIME_ZONE); every moment is stored in it.

Dates written "a/b/year" are month first in the United States' form and day first in Britain's:
`slash_order` decides for the whole file, as the file's author's locale did.
"""

import datetime
import re

from django.utils import timezone

DAY_FIRST, MONTH_FIRST = "day", "month"

_DATE = (
    r"(?:(?P<ymd_y>\d{4})[/-](?P<ymd_m>\d{1,2})[/-](?P<ymd_d>\d{1,2})"
    r"|(?P<dot_d>\d{1,2})\.(?P<dot_m>\d{1,2})\.(?P<dot_y>\d{4}|\d{2})"
    r"|(?P<sl_a>\d{1,2})/(?P<sl_b>\d{1,2})/(?P<sl_y>\d{4}|\d{2}))"
)
_TIME = r"(?:(?:[ T]|,\s*|\s+)(?P<h>\d{1,2}):(?P<min>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?)?"
_MERIDIEM = r"(?:\s*(?P<mer>a\.?\s?m\.?|p\.?\s?m\.?|дп|пп|таңкы|түштөн\s+кийин(?:ки)?))?"
_OFFSET = (
    r"(?:\s*(?:(?P<gmt>gmt|utc)\s*(?:(?P<g_sign>[+\-−])\s*(?P<g_h>\d{1,2})(?::?(?P<g_m>\d{2}))?)?"
    r"|(?P<z>z)"
    r"|(?P<sign>[+\-−])(?P<o_h>\d{2}):?(?P<o_m>\d{2})))?"
)
_MOMENT = re.compile(rf"{_DATE}{_TIME}{_MERIDIEM}{_OFFSET}", re.IGNORECASE)
_PM = ("p", "пп", "түштөн")


def _match(text):
    return _MOMENT.fullmatch(" ".join(str(text).split()))


def slash_order(values):
    """DAY_FIRST when any "a/b/year" date of the file has a first number over 12 (24/06/2024),
    else MONTH_FIRST (Google's and Microsoft's English default)."""
    for value in values:
        found = _match(value) if isinstance(value, str) else None
        if found and found["sl_a"] and int(found["sl_a"]) > 12:
            return DAY_FIRST
    return MONTH_FIRST


def _year(text):
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _date(found, order):
    if found["ymd_y"]:
        return _year(found["ymd_y"]), int(found["ymd_m"]), int(found["ymd_d"])
    if found["dot_y"]:
        return _year(found["dot_y"]), int(found["dot_m"]), int(found["dot_d"])
    first, second = int(found["sl_a"]), int(found["sl_b"])
    if order == DAY_FIRST:
        return _year(found["sl_y"]), second, first
    return _year(found["sl_y"]), first, second


def _hour(found):
    hour = int(found["h"] or 0)
    meridiem = (found["mer"] or "").casefold()
    if not meridiem:
        return hour
    if not 1 <= hour <= 12:
        raise ValueError("a 12-hour clock's hour is 1 to 12")
    afternoon = meridiem.startswith(_PM)
    return hour % 12 + (12 if afternoon else 0)


def _zone(found):
    """The offset written after the time, or None when none was."""
    if found["z"] or (found["gmt"] and not found["g_sign"]):
        return datetime.UTC
    sign = found["g_sign"] or found["sign"]
    if not sign:
        return None
    hours = int(found["g_h"] or found["o_h"])
    minutes = int(found["g_m"] or found["o_m"] or 0)
    if hours > 14 or minutes > 59:
        raise ValueError("no such offset")
    delta = datetime.timedelta(hours=hours, minutes=minutes)
    return datetime.timezone(-delta if sign in "-−" else delta)


def to_local(moment):
    """A moment in the university's time zone; a naive one is taken to be its time already."""
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return timezone.localtime(moment)


def parse_moment(value, order=MONTH_FIRST):
    """The aware moment `value` stands for, in the university's time zone, or None when it is not
    a date and time. `value` is a cell: text, or a date or datetime from a workbook."""
    if isinstance(value, datetime.datetime):
        return to_local(value)
    if isinstance(value, datetime.date):
        return to_local(datetime.datetime.combine(value, datetime.time()))
    found = _match(value)
    if found is None:
        return None
    try:
        year, month, day = _date(found, order)
        moment = datetime.datetime(
            year, month, day, _hour(found), int(found["min"] or 0), int(found["s"] or 0)
        )
        zone = _zone(found)
    except ValueError:
        return None
    return to_local(moment.replace(tzinfo=zone) if zone else moment)
