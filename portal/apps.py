"""The portal itself as an app: connects the security log's receivers, registers its checks,
teaches SQLite the Kyrgyz collation."""

from django.apps import AppConfig
from django.db.backends.signals import connection_created

from .collation import register_sqlite


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self):
        # Imported once the app registry is ready (this module is loaded while it is being
        # filled): security connects the log's receivers, checks registers itself (hence noqa).
        from . import checks, security  # noqa: F401

        security.connect()
        connection_created.connect(register_sqlite, dispatch_uid="portal.collation")
