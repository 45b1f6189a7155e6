"""Kyrgyz number and date formats as CLDR and Kyrgyz practice give them; the rest falls back to
Django's "ky".

Django looks a format up here first, then in its own locale, so only what differs is named.
Django's Kyrgyz DATE_FORMAT ("j E Y ж.") writes the month in the nominative ("15 Июнь 2026 ж."),
which is wrong in a sentence: a date Django writes on its own (the admin's lists) is the short
one, and documents write the long form through portal.dates.long_date."""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3

DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
YEAR_MONTH_FORMAT = "m.Y"
MONTH_DAY_FORMAT = "d.m"
