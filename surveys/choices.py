"""The fixed vocabularies of the surveys: what a survey is about, the kinds of question, sources."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class About(models.TextChoices):
    EXAM_SESSION = "exam_session", _("exam session")
    STATE_ATTESTATION = "state_attestation", _("state attestation")
    OTHER = "other", _("other")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    YES_NO = "yes_no", _("yes / no")
    MULTIPLE = "multiple", _("multiple choice")
    TEXT = "text", _("free text")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.YES_NO, QuestionKind.MULTIPLE)


class Source(models.TextChoices):
    IMPORT = "import", _("import")
    PORTAL = "portal", _("portal")
