"""Licences, accreditations and the seminars that prepare for them."""

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academics.choices import Level, StudyForm
from portal.constraints import in_choices

from .choices import AccreditationKind, AccreditationStatus, LicenceStatus
from .expiry import expiry_date

DOCUMENT_EXTENSIONS = ["pdf", "doc", "docx", "odt", "xls", "xlsx", "ods", "ppt", "pptx", "zip"]


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=250, unique=True)
    short_name = models.CharField(
        _("short name"), max_length=60, blank=True, help_text=_("e.g. НИРАС")
    )
    # The Russian forms the academic department fills, for documents in Russian (the council's
    # resolution); empty: the Kyrgyz name stands in.
    name_ru = models.CharField(_("name in Russian"), max_length=250, blank=True)
    short_name_ru = models.CharField(_("short name in Russian"), max_length=60, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("accreditation agency")
        verbose_name_plural = _("accreditation agencies")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name

    @property
    def full_label(self):
        """As the report names it: "… институту (НИРАС)"."""
        if self.short_name and self.short_name != self.name:
            return f"{self.name} ({self.short_name})"
        return self.name

    @property
    def full_label_ru(self):
        """The full label in Russian, or "" while the Russian name is not filled."""
        if not self.name_ru:
            return ""
        short = self.short_name_ru or self.short_name
        if short and short != self.name_ru:
            return f"{self.name_ru} ({short})"
        return self.name_ru


def program_label(program=None, code="", name=""):
    """ "710400 Программалык инженерия", or a course's name alone."""
    if program is not None:
        code, name = program.code, program.name
    return f"{code} {name}" if code else name


class LicenceApplication(models.Model):
    """Documents sent to obtain a licence for one program in one form, and what came of it.

    A program of the registry is referred to; one that is not there yet (a new program is
    licensed before it runs, a short course has no code) is written by its code and name.
    """

    program = models.ForeignKey(
        "academics.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="licence_applications",
        null=True,
        blank=True,
        help_text=_("a program of the registry; leave empty and write the name below otherwise"),
    )
    code = models.CharField(
        _("program code"),
        max_length=20,
        blank=True,
        help_text=_("only for a program that is not in the registry; empty for a short course"),
    )
    name = models.CharField(
        _("program or course name"),
        max_length=250,
        blank=True,
        help_text=_("only for a program that is not in the registry, or a short course"),
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    form = models.CharField(_("study form"), max_length=20, choices=StudyForm.choices, blank=True)
    date_sent = models.DateField(_("date sent"))
    status = models.CharField(
        _("status"), max_length=20, choices=LicenceStatus.choices, default=LicenceStatus.SENT
    )
    licence_number = models.CharField(_("licence number"), max_length=60, blank=True)
    licence_date = models.DateField(_("licence date"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("licence application")
        verbose_name_plural = _("licence applications")
        ordering = ["-date_sent", "code", "name", "pk"]
        constraints = [
            in_choices("level", Level),
            in_choices("form", StudyForm),
            in_choices("status", LicenceStatus),
            # A program of the registry, or a name of its own: exactly one of them.
            models.CheckConstraint(
                condition=(Q(program__isnull=False) & Q(code="") & Q(name=""))
                | (Q(program__isnull=True) & ~Q(name="")),
                name="accreditation_licenceapplication_program_or_name",
            ),
            models.CheckConstraint(
                condition=~Q(status=LicenceStatus.GRANTED)
                | (~Q(licence_number="") & Q(licence_date__isnull=False)),
                name="accreditation_licenceapplication_granted_has_licence",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(licence_date__isnull=True)
                | Q(valid_until__gt=models.F("licence_date")),
                name="accreditation_licenceapplication_valid_after_issued",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.get_level_display()}, {self.get_form_display()})"

    def save(self, *args, **kwargs):
        self.sync_from_program()
        super().save(*args, **kwargs)

    @property
    def label(self):
        return program_label(self.program, self.code, self.name)

    def sync_from_program(self):
        """A registry program brings its own level and form; they are kept for filtering."""
        if self.program_id is not None:
            self.level = self.program.level
            self.form = self.program.form

    def clean_fields(self, exclude=None):
        self.sync_from_program()
        super().clean_fields(exclude)

    def clean(self):
        errors = {}
        if self.program_id is None:
            if not self.name:
                errors["name"] = _("Choose a program, or write the name of the program or course.")
            for field in ("level", "form"):
                if not getattr(self, field):
                    errors[field] = _("This field is required when no program is chosen.")
        elif self.name or self.code:
            errors["name"] = _(
                "A program of the registry is chosen: leave the code and the name empty."
            )
        if self.status == LicenceStatus.GRANTED:
            if not self.licence_number:
                errors["licence_number"] = _("A granted licence has a number.")
            if not self.licence_date:
                errors["licence_date"] = _("A granted licence has a date.")
        if self.valid_until and self.licence_date and self.valid_until <= self.licence_date:
            errors["valid_until"] = _("The licence must be valid after the date it was issued.")
        if errors:
            raise ValidationError(errors)


class Accreditation(models.Model):
    """A program's or the university's accreditation by an agency, for a term of years."""

    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=AccreditationKind.choices,
        default=AccreditationKind.PROGRAM,
    )
    program = models.ForeignKey(
        "academics.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="accreditations",
        null=True,
        blank=True,
        help_text=_("required for a program accreditation, empty for an institutional one"),
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="accreditations"
    )
    decision_date = models.DateField(_("decision date"))
    term_years = models.PositiveSmallIntegerField(
        _("term, years"), default=5, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    # Stored, so that the registry and the dashboard filter and sort by it in the database;
    # always decision_date + term_years (save()).
    expiry_date = models.DateField(_("expiry date"), editable=False, db_index=True)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    suspended = models.BooleanField(
        _("suspended"), default=False, help_text=_("the agency has suspended the accreditation")
    )
    report_file = models.FileField(
        _("report file"),
        upload_to="accreditation/reports/%Y/",
        blank=True,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
        help_text=_("the self-evaluation report or the agency's decision"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        ordering = ["expiry_date", "pk"]
        constraints = [
            in_choices("kind", AccreditationKind),
            models.CheckConstraint(
                condition=(Q(kind=AccreditationKind.PROGRAM) & Q(program__isnull=False))
                | (Q(kind=AccreditationKind.INSTITUTIONAL) & Q(program__isnull=True)),
                name="accreditation_accreditation_program_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(term_years__gte=1, term_years__lte=20),
                name="accreditation_accreditation_term_years_range",
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__gt=models.F("decision_date")),
                name="accreditation_accreditation_expiry_after_decision",
            ),
        ]

    def __str__(self):
        return f"{self.label} · {self.agency} · {self.expiry_date:%d.%m.%Y}"

    def save(self, *args, **kwargs):
        self.compute_expiry()
        super().save(*args, **kwargs)

    @property
    def label(self):
        if self.kind == AccreditationKind.INSTITUTIONAL:
            return str(_("institutional"))
        return program_label(self.program)

    def compute_expiry(self):
        if self.decision_date and self.term_years:
            self.expiry_date = expiry_date(self.decision_date, self.term_years)

    def clean(self):
        errors = {}
        if self.kind == AccreditationKind.PROGRAM and self.program_id is None:
            errors["program"] = _("A program accreditation names its program.")
        if self.kind == AccreditationKind.INSTITUTIONAL and self.program_id is not None:
            errors["program"] = _("An institutional accreditation has no program.")
        if errors:
            raise ValidationError(errors)
        self.compute_expiry()

    def status_on(self, today=None):
        today = today or timezone.localdate()
        if self.suspended:
            return AccreditationStatus.SUSPENDED
        if self.expiry_date < today:
            return AccreditationStatus.EXPIRED
        return AccreditationStatus.VALID

    @property
    def status(self):
        return self.status_on()


class Seminar(models.Model):
    """A seminar or training held to prepare the staff for accreditation (section 9)."""

    topic = models.CharField(_("topic"), max_length=300)
    date = models.DateField(_("date"))
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="seminars",
        null=True,
        blank=True,
    )
    participants = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    participants_note = models.CharField(
        _("participants"),
        max_length=300,
        blank=True,
        help_text=_("who took part, e.g. the teaching staff of the graduating departments"),
    )
    materials = models.TextField(_("materials"), blank=True)
    materials_file = models.FileField(
        _("materials file"),
        upload_to="accreditation/seminars/%Y/",
        blank=True,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
    )

    class Meta:
        verbose_name = _("seminar")
        verbose_name_plural = _("seminars")
        ordering = ["date", "topic"]

    def __str__(self):
        return f"{self.topic} ({self.date:%d.%m.%Y})"
