"""Plain-row bulk inserts for the writers: a hundred thousand grades and their audit rows cost
few round trips (COPY on PostgreSQL), where building a model instance per row would cost most of
an import's time."""

import io

from django.db import connection

from portal.chunks import chunked

IMPORT_BATCH = 2000
COPY_ABOVE = 1000  # rows


def insert_rows(model, fields, rows):
    """Insert rows of database-ready values, in the order of `fields`, in few round trips.

    For writes whose checks were made by the caller: no save(), no signals (the portal has none
    on these models), the database checks every constraint.
    """
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    table = quote(meta.db_table)
    rows = list(rows)
    with connection.cursor() as cursor:
        raw = getattr(cursor, "cursor", cursor)
        # COPY for an import's thousands of rows; a sheet's few go as a plain INSERT, which
        # Django sees (its query log, the database router's tests) like any other write.
        if len(rows) > COPY_ABOVE and connection.vendor == "postgresql":
            for batch in chunked(rows, 50_000):
                buffer = io.StringIO()
                buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in batch)
                buffer.seek(0)
                raw.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        else:
            # Many rows per INSERT, within the bound parameters a statement may hold (999 on
            # older SQLite): one statement for a sheet's save, few for an import.
            one = "(" + ", ".join(["%s"] * len(fields)) + ")"
            per_batch = max(1, min(IMPORT_BATCH, 999 // len(fields)))
            for batch in chunked(rows, per_batch):
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))}",
                    [value for row in batch for value in row],
                )


def db_value(model, field_name, value):
    """A value as the database stores it in that field (a datetime in the connection's zone)."""
    return model._meta.get_field(field_name).get_db_prep_save(value, connection)


def _copy_text(value):
    # PostgreSQL's COPY text format: \N is NULL; backslash, tab and line breaks are escaped; a
    # boolean's "True" and "False" are booleans' text as PostgreSQL reads them.
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text
