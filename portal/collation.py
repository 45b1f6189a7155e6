"""Names in Kyrgyz alphabetical order, the one place of the rule: а б в г д е ё ж з и й к л м н ң
о ө п р с т у ү ф х ц ч ш щ ъ ы ь э ю я. Sorting by code point puts ё, ң, ө and ү after я (they
lie outside the basic Cyrillic block), so a list sorted that way is not what a dean's office reads
as alphabetical, and a column sorted in Excel pastes onto the wrong students.

Lists in memory sort with `name_key`; queries order with `by_name` (or `sql_by_name` in raw SQL),
which collate as COLLATION: PostgreSQL's built-in ICU collation for Kyrgyz, and on SQLite the same
name registered over `kyrgyz_key` (`register_sqlite`, connected in portal/apps.py).

The Russian interface uses the same order. The names are Kyrgyz names: in a Russian-only order
Ң, Ө, Ү are not letters and would fall wherever a program puts them (after Я, or mixed with Н, О,
У), while a Russian-speaking clerk of the university works with Kyrgyz rosters, the Excel files
of Kyrgyz colleagues and the printed sheets they sign; one order in both languages keeps a list
the same whichever language printed it. For names without Ң, Ө, Ү (and Ё) both orders agree."""

from functools import lru_cache

from django.db.models.functions import Collate

KYRGYZ_ALPHABET = "абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюя"
# The key maps each letter of the alphabet, in its order, to a code point above every other
# (Unicode's private use plane 15), so that plain string comparison (C speed, also inside SQLite's
# collation) is the alphabet's. Characters outside it (Latin, digits, spaces) keep their code
# point and sort before it, which keeps a space (between surname and name) before any letter.
_ABOVE_ALL = 0xF0000
_TABLE = {ord(letter): chr(_ABOVE_ALL + rank) for rank, letter in enumerate(KYRGYZ_ALPHABET)}

# PostgreSQL's ICU collation for Kyrgyz (pg_collation holds it when the server is built with
# ICU); SQLite gets a collation of the same name, so one expression serves both.
COLLATION = "ky-x-icu"


@lru_cache(maxsize=65536)
def kyrgyz_key(text):
    """A sort key (a string) for `text` in Kyrgyz alphabetical order, letter case ignored."""
    return (text or "").lower().translate(_TABLE)


def name_key(name, *ties):
    """The sort key of a row by a name, then `ties` (the record book, as everywhere)."""
    return (kyrgyz_key(name), *ties)


def by_name(field):
    """An order_by() term: `field` (a name, or a lookup to one) in Kyrgyz order, on either
    database. `.desc()` reverses it."""
    return Collate(field, COLLATION)


def sql_by_name(column):
    """`column` in Kyrgyz order inside raw SQL (an ORDER BY term)."""
    return f'{column} COLLATE "{COLLATION}"'


def _compare(left, right):
    left, right = kyrgyz_key(left), kyrgyz_key(right)
    return (left > right) - (left < right)


def register_sqlite(sender, connection, **kwargs):
    """connection_created receiver: teach a new SQLite connection the Kyrgyz collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, _compare)
