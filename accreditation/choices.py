"""The fixed vocabularies of licensing and accreditation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LicenceStatus(models.TextChoices):
    SENT = "sent", _("sent")
    GRANTED = "granted", _("granted")
    REFUSED = "refused", _("refused")


class AccreditationKind(models.TextChoices):
    PROGRAM = "program", _("program accreditation")
    INSTITUTIONAL = "institutional", _("institutional accreditation")


class AccreditationStatus(models.TextChoices):
    """Not stored: derived from the expiry date and the suspension flag (Accreditation.status)."""

    VALID = "valid", _("valid")
    EXPIRED = "expired", _("expired")
    SUSPENDED = "suspended", _("suspended")
