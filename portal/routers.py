"""Reads of the report and dashboard pages go to the read replica when there is one
(DATABASE_REPLICA_URL); every write, and every read elsewhere, goes to the primary.

Only the pages marked with `reads_reports` read from the replica: a replica may lag behind by a
moment, which a report can bear, but a dean's office that has just saved a sheet must see its own
grades when the page reloads, so the grade sheets, the admin and everything else read the primary.
A report page that writes (the dashboard stores the figures it computed) writes to the primary.
"""

import contextvars
import functools
from contextlib import contextmanager

from django.conf import settings

REPLICA = "replica"
_reading_reports = contextvars.ContextVar("portal_reading_reports", default=False)


def has_replica():
    return REPLICA in settings.DATABASES


@contextmanager
def reading_reports():
    """Within it, reads go to the replica (when there is one)."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def reads_reports(view):
    """A view whose reads may come from the replica."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with reading_reports():
            return view(request, *args, **kwargs)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_reports.get() and has_replica():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
