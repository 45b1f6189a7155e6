"""Kyrgyz number format as CLDR and Kyrgyz practice give it; the rest falls back to Django's "ky".

Django looks a format up here first, then in its own locale, so only what differs is named.
"""

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
NUMBER_GROUPING = 3
