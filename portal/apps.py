"""The portal itself as an app: connects the security log's receivers, registers its checks,
the search key's SQLite function and teaches SQLite the Kyrgyz collation."""

from django.apps import AppConfig
from django.db.backends.signals import connection_created

from .collation import register_sqlite


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self):
        # Imported once the app registry is ready (this module is loaded while it is being
        # filled): security connects the log's receivers, checks registers itself (hence noqa),
        # text defines an abstract model.
        from . import checks, security  # noqa: F401
        from .text import register_sqlite_function

        security.connect()
        # SQLite folds only ASCII letters: the search key's function, on every connection.
        connection_created.connect(register_sqlite_function, dispatch_uid="portal_search_key")
        connection_created.connect(register_sqlite, dispatch_uid="portal.collation")
