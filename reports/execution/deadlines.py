"""The deadlines the council writes ("окуу жылынын аягына чейин", "МАКтын жадыбалы боюнча"),
recognised in an item's text and resolved to a date: the one place that knows them.

A relative kind resolves to the first such date on or after the council's date (a council at the
end of August decides for the academic year about to start); the settings hold the university's
calendar where the data holds none, and the vice-rector's office sees each resolved date and may
change it when assigning:
- end of the academic year: PORTAL_ACADEMIC_YEAR_END (month-day, default 06-30);
- the exam session's schedule: the end of the first exam session (its АКЖ, else its main period)
  ending after the council, else the end of the term in progress;
- the state attestation's schedule: PORTAL_STATE_ATTESTATION_END (default 06-25);
- the academic calendar: the end of the term in progress (PORTAL_TERM_ENDS, default 01-31, for
  the I half; the end of the academic year for the II).
"""

import datetime
import re

from django.conf import settings

from .models import DeadlineKind

# What the council writes, in Kyrgyz and in Russian, for each relative kind (the first that
# occurs in the text wins, in this order). МАК/ГАК: the state attestation commission.
PHRASES = [
    (
        DeadlineKind.STATE_ATTESTATION,
        re.compile(
            r"\b(мак|гак)(\b|[-‑]?тын)|мамлекеттик аттестац|государственн\w+ аттестац", re.I
        ),
    ),
    (DeadlineKind.CALENDAR, re.compile(r"процессинин графиги|учебного процесса|календар", re.I)),
    (DeadlineKind.SESSION, re.compile(r"сесси", re.I)),
    (DeadlineKind.YEAR_END, re.compile(r"окуу жыл|учебного года", re.I)),
]
_DATE = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b")


def _next(name, default, day):
    """The first date on or after `day` that falls on the month-day of setting `name`."""
    month, dd = (int(part) for part in getattr(settings, name, default).split("-"))
    this_year = datetime.date(day.year, month, dd)
    return this_year if this_year >= day else datetime.date(day.year + 1, month, dd)


def year_end(day):
    return _next("PORTAL_ACADEMIC_YEAR_END", "06-30", day)


def state_attestation_end(day):
    return _next("PORTAL_STATE_ATTESTATION_END", "06-25", day)


def term_end(day):
    """The end of the term in progress on `day`: the I half ends in the winter, the II with the
    academic year."""
    return min(_next("PORTAL_TERM_ENDS", "01-31", day), year_end(day))


def session_end(day):
    """The end of the first exam session that ends after `day` (its АКЖ, else its main period),
    else the end of the term in progress."""
    from sessions_app.models import ExamSession

    ends = []
    for main_end, retake_end in ExamSession.objects.values_list("main_end", "retake_end"):
        end = retake_end or main_end
        if end and end > day:
            ends.append(end)
    return min(ends) if ends else term_end(day)


def resolve(kind, council_date, date=None):
    """The date a deadline of `kind` falls on, for a resolution adopted on `council_date`; a
    DATE deadline is `date` itself."""
    if kind == DeadlineKind.DATE:
        if date is None:
            raise ValueError("a deadline of kind 'date' needs its date")
        return date
    return {
        DeadlineKind.YEAR_END: year_end,
        DeadlineKind.SESSION: session_end,
        DeadlineKind.STATE_ATTESTATION: state_attestation_end,
        DeadlineKind.CALENDAR: term_end,
    }[kind](council_date)


def recognise(text):
    """(kind, date or None) that an item's deadline text says; the end of the academic year when
    it says nothing recognisable (the council's usual horizon)."""
    match = _DATE.search(text or "")
    if match:
        day, month, year = (int(group) for group in match.groups())
        try:
            return DeadlineKind.DATE, datetime.date(year, month, day)
        except ValueError:
            pass
    for kind, pattern in PHRASES:
        if pattern.search(text or ""):
            return kind, None
    return DeadlineKind.YEAR_END, None


def with_dates(council_date):
    """[(kind, label, the date it resolves to)] of the relative kinds, for a form to show beside
    the choice."""
    return [
        (kind, label, resolve(kind, council_date))
        for kind, label in DeadlineKind.choices
        if kind != DeadlineKind.DATE
    ]
