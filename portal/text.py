"""The one rule of how a search matches text: `search_key(text)`, and `SearchKey`, the same rule
as an SQL expression on a column, on SQLite and on PostgreSQL alike.

Two texts match when their keys do. The key is the text in lower case, with these letters taken
as one (decided for issue 16, "search"):
- ё as е: Russian writes "е" for "ё" more often than not (Артём, Артем);
- ң as н, ө as о, ү as у: a clerk at a Russian keyboard types "Омурбеков" for "Өмүрбеков",
  "Усонова" for "Үсөнова". A search that finds a few more names is better than one that misses
  the student; the results show each name as it is written.
Spaces are collapsed in what is typed. Nothing is stored: the key of a column is computed in the
query, so a row written any way (a form, the admin, the importer's bulk_create and bulk_update,
a data migration) is found at once.

SQLite's lower() and LIKE fold only ASCII letters, so on SQLite the key is a function registered
on every connection (`register_sqlite_function`, connected in portal.apps); PostgreSQL's
translate() does the same letter for letter, whatever the database's locale, then lower() folds
the Latin letters.
"""

from django.db.models import CharField, Func, Value

_UPPER = "АБВГДЕЁЖЗИЙКЛМНҢОӨПРСТУҮФХЦЧШЩЪЫЬЭЮЯ"
_LOWER = "абвгдеёжзийклмнңоөпрстуүфхцчшщъыьэюя"
# Kyrgyz and Russian letters that a search takes as another letter.
_SAME_AS = {"ё": "е", "ң": "н", "ө": "о", "ү": "у"}
_FOLDED = "".join(_SAME_AS.get(letter, letter) for letter in _LOWER)

# One table for Python and for SQL: every Cyrillic capital and every letter of _SAME_AS.
_FROM = _UPPER + "".join(_SAME_AS)
_TO = _FOLDED + "".join(_SAME_AS.values())
_TABLE = str.maketrans(_FROM, _TO)

SQLITE_FUNCTION = "portal_search_key"


def search_key(text):
    """`text` as a search compares it: lower case, ё ң ө ү as е н о у, spaces collapsed."""
    if text is None:
        return None
    return " ".join(str(text).translate(_TABLE).lower().split())


def _column_key(text):
    # A column's key keeps its spaces as they are, as PostgreSQL's translate() does.
    return None if text is None else str(text).translate(_TABLE).lower()


def register_sqlite_function(sender, connection, **kwargs):
    """connection_created receiver: SearchKey's function on every new SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, _column_key, deterministic=True)


class SearchKey(Func):
    """The search key of a text column or expression: filter on it with `__contains` of
    `search_key(typed)`."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        inner = Func(*self.get_source_expressions(), Value(_FROM), Value(_TO), function="translate")
        return Func(inner, function="lower", output_field=CharField()).as_sql(
            compiler, connection, **extra_context
        )

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"SearchKey on {connection.vendor}")
        return super().as_sql(compiler, connection, **extra_context)
