"""Russian formats where Django's differ from the portal's; the rest is Django's "ru" (numbers
11 977 and 52,3; dates "15 июня 2026 г." and 15.06.2026).

Django's MONTH_DAY_FORMAT ("j F") writes the month in the nominative ("15 Июнь"); a day of a month
takes the genitive ("15 июня")."""

MONTH_DAY_FORMAT = "j E"
