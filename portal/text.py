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

from django.db import models
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


class SearchKeyed(models.Model):
    """An abstract model whose rows keep `search_key`, the key of `search_key_sources` (fields
    joined by spaces), so that a search reads one plain column instead of computing a key per
    row (ten times faster on SQLite, where the key is a Python function). Written by save() and,
    through SearchKeyedQuerySet, by bulk_create, bulk_update and update: the importer's and the
    demo's bulk paths keep it too."""

    search_key_sources = ()

    search_key = models.CharField(max_length=300, editable=False, default="", db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        self.fill_search_key()
        if update_fields is not None and set(update_fields) & set(self.search_key_sources):
            update_fields = {*update_fields, "search_key"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def fill_search_key(self):
        self.search_key = search_key(
            " ".join(str(getattr(self, name) or "") for name in self.search_key_sources)
        )


class SearchKeyedQuerySet(models.QuerySet):
    """The queryset of a SearchKeyed model: its bulk writes keep the key."""

    def _sources(self, fields):
        return set(fields) & set(self.model.search_key_sources)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.fill_search_key()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if not self._sources(fields):
            return super().bulk_update(objs, fields, *args, **kwargs)
        # An object named by its pk alone (the importer's) has its other sources to read.
        missing = set(self.model.search_key_sources) - set(fields)
        if missing:
            stored = self.model._base_manager.in_bulk([obj.pk for obj in objs])
            for obj in objs:
                for name in missing:
                    setattr(obj, name, getattr(stored[obj.pk], name))
        for obj in objs:
            obj.fill_search_key()
        return super().bulk_update(objs, [*fields, "search_key"], *args, **kwargs)

    def update(self, **kwargs):
        if not self._sources(kwargs):
            return super().update(**kwargs)
        pks = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        rows = list(self.model._base_manager.filter(pk__in=pks))
        for row in rows:
            row.fill_search_key()
        self.model._base_manager.bulk_update(rows, ["search_key"], batch_size=500)
        return count
