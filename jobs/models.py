"""A background job's row: the one record of its state, whether a worker or the request runs it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import FINISHED, JobKind, JobStage, JobStatus


class JobQuerySet(models.QuerySet):
    def for_user(self, user):
        """A job is seen by whoever started it, and by superusers."""
        if user.is_superuser:
            return self
        return self.filter(owner=user)


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=32, choices=JobKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name=_("started by"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    # What the task is given (JSON), and the language its messages are written in.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    stage = models.CharField(
        _("stage"), max_length=16, choices=JobStage.choices, default=JobStage.QUEUED
    )
    done = models.PositiveIntegerField(_("progress: done"), default=0)
    total = models.PositiveIntegerField(_("progress: total"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rq_id = models.CharField(_("queue job id"), max_length=64, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def finished(self):
        return self.status in FINISHED

    @property
    def percent(self):
        """Per cent of the current stage's work; None while it cannot be told."""
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)
