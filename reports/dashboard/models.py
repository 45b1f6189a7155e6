"""The stored figures of exam sessions that the dashboard's history reads (app label "reports":
reports.models imports the model for Django to find)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionFigures(models.Model):
    """The figures of one exam session per faculty, study form and stage, as
    reports.achievement computed them at the session's figures version (sessions_app.figures).

    The dashboard's history reads them instead of recomputing every past session on each request;
    a write that may change a session's figures raises its version, and figures stored at another
    version are computed again (reports.dashboard.snapshots).
    """

    session = models.OneToOneField(
        "sessions_app.ExamSession",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("exam session"),
    )
    version = models.PositiveBigIntegerField()
    rows = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("stored session figures")
        verbose_name_plural = _("stored session figures")

    def __str__(self):
        return f"{self.session} (v{self.version})"
