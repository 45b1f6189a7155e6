"""The portal itself as an app: connects the security log's receivers."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self):
        from . import security

        security.connect()
