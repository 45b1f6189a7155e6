"""Vocabularies of background jobs: what a job does, where it is, and the step it is at."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    RESULTS_IMPORT = "results_import", _("Results import")
    RESOLUTION_PDF = "resolution_pdf", _("Resolution PDF")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


FINISHED = {JobStatus.DONE, JobStatus.FAILED}


class JobStage(models.TextChoices):
    """The step a running job reports; its label is what the progress page says."""

    QUEUED = "queued", _("Waiting for a free worker…")
    START = "start", _("Starting…")
    READ = "read", _("Reading the rows of the file…")
    CHECK = "check", _("Checking the rows against the portal…")
    WRITE = "write", _("Writing to the database…")
    BUILD = "build", _("Computing the figures…")
    RENDER = "render", _("Rendering the PDF…")
    FINISHED = "finished", _("Finished.")
