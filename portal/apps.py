"""The portal itself as an app: connects the security log's receivers, registers its checks."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self):
        from . import checks, security  # noqa: F401 (checks registers itself)

        security.connect()
