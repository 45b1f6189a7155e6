"""Vocabularies of exam sessions: attempts, assessment kinds, grade values, sheet states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Attempt(models.TextChoices):
    """The main session, and the academic-debt retake period after it (АКЖ)."""

    MAIN = "main", _("main session")
    RETAKE = "retake", _("retake (АКЖ)")


class AssessmentKind(models.TextChoices):
    EXAM = "exam", _("exam")
    CREDIT = "credit", _("credit")
    COURSE_WORK = "course_work", _("course work")
    PRACTICE = "practice", _("practice")


class GradeValue(models.TextChoices):
    EXCELLENT = "5", _("5 (excellent)")
    GOOD = "4", _("4 (good)")
    SATISFACTORY = "3", _("3 (satisfactory)")
    UNSATISFACTORY = "2", _("2 (unsatisfactory)")
    ABSENT = "absent", _("absent")
    PASS = "pass", _("pass")
    FAIL = "fail", _("fail")


class NotAdmittedReason(models.TextChoices):
    VALID = "valid", _("valid reason")
    INVALID = "invalid", _("invalid reason")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    LOCKED = "locked", _("locked")


class ChangeSource(models.TextChoices):
    PAGE = "page", _("grade sheet page")
    IMPORT = "import", _("import")
    OVERRIDE = "override", _("override")
    # The grade sheet downloaded as .xlsx, filled offline and uploaded on its page.
    SHEET_FILE = "sheet_file", _("grade sheet file")
    ADMIN = "admin", _("administration site")


class SheetAction(models.TextChoices):
    SUBMIT = "submit", _("submitted")
    LOCK = "lock", _("locked")
    REOPEN = "reopen", _("reopened")
    # The assessment's examiner, set on the main sheet's page or by the results import.
    EXAMINER = "examiner", _("examiner changed")


class AttestationKind(models.TextChoices):
    """The two parts of the state final attestation (МАК / БМА)."""

    SPECIAL_EXAM = "special_exam", _("special-discipline exam")
    THESIS = "thesis", _("thesis defence")


class AttestationGrade(models.TextChoices):
    """A state attestation is graded 5 to 2; it has no credits and no "absent" (see `sat`)."""

    EXCELLENT = "5", _("5 (excellent)")
    GOOD = "4", _("4 (good)")
    SATISFACTORY = "3", _("3 (satisfactory)")
    UNSATISFACTORY = "2", _("2 (unsatisfactory)")
