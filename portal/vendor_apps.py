"""The names the admin gives two third-party apps, django-axes and django-rq, which name themselves
(and their rows) in English only. Kept apart from portal/apps.py: a module with several AppConfig
classes would leave Django unsure which one is the portal's."""

from axes.apps import AppConfig as AxesConfig
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_rq.apps import DjangoRqAdminConfig


def _login_row(row):
    when = formats.localize(timezone.localtime(row.attempt_time)) if row.attempt_time else "—"
    return " · ".join(str(part) for part in (row.username or "—", row.ip_address or "—", when))


class LoginAttemptsConfig(AxesConfig):
    """django-axes, named in the admin's language (it would show as "Axes")."""

    verbose_name = _("Login attempts and lock-outs")

    def ready(self):
        super().ready()
        # The app registry is ready here. axes' admin labels each row with its model's __str__,
        # an English sentence ("Failed access: user … locked out on …"), and its lock-out column
        # with the method's name ("Status"): rows are named by who, from where and when instead.
        from axes.admin import AccessAttemptAdmin
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.__str__ = _login_row
        AccessAttemptAdmin.status.short_description = _("Status")


class JobQueuesConfig(DjangoRqAdminConfig):
    """django-rq, named in the admin's language (it would show as "Django_Rq" › "Django-RQ")."""

    verbose_name = _("Background job queues")

    def ready(self):
        # The app registry is ready here; django-rq's one admin model names itself with a plain
        # English string, which the admin's index prints as it is.
        from django_rq.models import Dashboard

        Dashboard._meta.verbose_name = _("job queues")
        Dashboard._meta.verbose_name_plural = _("job queues")
