from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "sessions_app"
    verbose_name = _("Exam sessions")

    def ready(self):
        # Connecting the signals needs the models, loaded once the app registry is ready.
        from . import figures

        figures.connect()
