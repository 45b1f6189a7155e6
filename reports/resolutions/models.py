"""The academic council's resolution (ТОКТОМ) on a session's report, and its numbered items
(app label "reports": reports.models imports them for Django to find).

Every figure of the report is computed (reports.achievement); the resolution keeps only what a
person writes — the council's date, the reporter, the items — and, once adopted, the figures it
was adopted with (`frozen_figures`), so the adopted text never changes afterwards.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.dates import short_date


def in_language(obj, name):
    """A stored text of `obj` in the active language: its Russian form (`<name>_ru`) in Russian
    when filled, else the text as written (in Kyrgyz, the language the council writes in)."""
    if translation.get_language() == "ru":
        return getattr(obj, f"{name}_ru", "") or getattr(obj, name)
    return getattr(obj, name)


class ResolutionFrozen(ValidationError):
    """An adopted resolution (or one of its items) was about to be changed."""


class ResolutionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ADOPTED = "adopted", _("adopted")


class Verdict(models.TextChoices):
    """How the council judges the report (the first item it resolves)."""

    GOOD = "good", _("good")
    SATISFACTORY = "satisfactory", _("satisfactory")
    UNSATISFACTORY = "unsatisfactory", _("unsatisfactory")


class ResolutionQuerySet(models.QuerySet):
    def delete(self):
        # A bulk delete (the admin's action, the shell) skips Resolution.delete(): refuse here too.
        if self.filter(status=ResolutionStatus.ADOPTED).exists():
            raise ResolutionFrozen(_("An adopted resolution cannot be deleted."))
        return super().delete()


class Resolution(models.Model):
    session = models.ForeignKey(
        "sessions_app.ExamSession",
        verbose_name=_("exam session"),
        on_delete=models.PROTECT,
        related_name="resolutions",
        help_text=_("The academic year and the term of the title come from the session."),
    )
    council_date = models.DateField(_("council date"))
    protocol_number = models.CharField(_("minutes number"), max_length=20, blank=True)
    university = models.CharField(
        _("university, as the title names it"),
        max_length=250,
        blank=True,
        help_text=_(
            "Leave empty for the portal's university name in the document's language. "
            "In Kyrgyz the title needs the locative form (“… университетинде”)."
        ),
    )
    reporter_name = models.CharField(
        _("reporter"), max_length=120, help_text=_("e.g. У.Ж. Мамытов")
    )
    reporter_position = models.CharField(
        _("reporter's position"),
        max_length=200,
        help_text=_("e.g. Окуу иштери боюнча проректор"),
    )
    controller = models.CharField(
        _("controls the execution"),
        max_length=250,
        help_text=_(
            "Who controls the execution of the resolution, e.g. "
            "“ОшТУнун окуу иштери боюнча проректору У.Ж. Мамытов”."
        ),
    )
    # The Russian forms of the texts above, for the document in Russian; empty: the Kyrgyz text
    # stands in (and the page lists it as lacking its Russian form).
    university_ru = models.CharField(
        _("university, as the title names it, in Russian"),
        max_length=250,
        blank=True,
        help_text=_("In Russian the title needs the prepositional form (“… в … университете”)."),
    )
    reporter_position_ru = models.CharField(
        _("reporter's position in Russian"), max_length=200, blank=True
    )
    controller_ru = models.CharField(
        _("controls the execution, in Russian"), max_length=250, blank=True
    )
    # The signature block: the council's chair and secretary, their titles in both languages.
    chair_name = models.CharField(_("chair of the council"), max_length=120, blank=True)
    chair_position = models.CharField(_("chair's title"), max_length=200, blank=True)
    chair_position_ru = models.CharField(_("chair's title in Russian"), max_length=200, blank=True)
    secretary_name = models.CharField(_("secretary of the council"), max_length=120, blank=True)
    secretary_position = models.CharField(_("secretary's title"), max_length=200, blank=True)
    secretary_position_ru = models.CharField(
        _("secretary's title in Russian"), max_length=200, blank=True
    )
    # The section "on the execution of the previous resolution" as the vice-rector's office
    # edited it; empty: generated from the previous resolution's assignments (on a draft afresh
    # on every rendering; adopting writes the generated text here, so it is frozen with it).
    execution_text = models.TextField(
        _("execution of the previous resolution"),
        blank=True,
        help_text=_(
            "Leave empty for the text generated from the execution of the previous resolution. "
            "One paragraph a line."
        ),
    )
    execution_text_ru = models.TextField(
        _("execution of the previous resolution, in Russian"), blank=True
    )
    verdict = models.CharField(
        _("the report is found"),
        max_length=20,
        choices=Verdict.choices,
        default=Verdict.SATISFACTORY,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ResolutionStatus.choices,
        default=ResolutionStatus.DRAFT,
        editable=False,
    )
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True, editable=False)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adopted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # The plain numbers the notes were adopted with (services.compute_figures); null while a
    # draft, whose figures are computed afresh on every rendering.
    frozen_figures = models.JSONField(
        _("figures at adoption"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("council resolution")
        verbose_name_plural = _("council resolutions")
        ordering = ["-council_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ResolutionStatus.values),
                name="reports_resolution_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=Verdict.values),
                name="reports_resolution_verdict_valid",
            ),
            # A draft holds no frozen figures; an adopted one always does, with its moment.
            models.CheckConstraint(
                condition=(
                    Q(
                        status=ResolutionStatus.DRAFT,
                        frozen_figures__isnull=True,
                        adopted_at__isnull=True,
                    )
                    | Q(
                        status=ResolutionStatus.ADOPTED,
                        frozen_figures__isnull=False,
                        adopted_at__isnull=False,
                    )
                ),
                name="reports_resolution_adopted_iff_frozen",
            ),
            models.CheckConstraint(
                condition=~Q(reporter_name="") & ~Q(reporter_position="") & ~Q(controller=""),
                name="reports_resolution_people_not_empty",
            ),
            # The council adopts one resolution on a session's report.
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(status="adopted"),
                name="reports_resolution_one_adopted_per_session",
            ),
        ]

    def __str__(self):
        return _("Resolution of %(date)s on %(session)s") % {
            "date": short_date(self.council_date),
            "session": self.session if self.session_id else "—",
        }

    def save(self, *args, _adopting=False, **kwargs):
        # Only the adopt service (services.adopt) writes an adopted row, once.
        if not _adopting and self.stored_status() == ResolutionStatus.ADOPTED:
            raise ResolutionFrozen(_("An adopted resolution cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.stored_status() == ResolutionStatus.ADOPTED:
            raise ResolutionFrozen(_("An adopted resolution cannot be deleted."))
        return super().delete(*args, **kwargs)

    @property
    def is_adopted(self):
        return self.status == ResolutionStatus.ADOPTED

    def stored_status(self):
        """The status in the database, whatever this instance holds."""
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()


class ResolutionItem(models.Model):
    """One thing the council resolves: the text, who is responsible, by when (free text, as the
    council writes it: “окуу жылынын аягына чейин”)."""

    resolution = models.ForeignKey(
        Resolution, verbose_name=_("resolution"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))
    responsible = models.CharField(_("responsible"), max_length=500, blank=True)
    deadline = models.CharField(_("deadline"), max_length=200, blank=True)
    # The Russian forms, for the document in Russian; empty: the Kyrgyz text stands in.
    text_ru = models.TextField(_("text in Russian"), blank=True)
    responsible_ru = models.CharField(_("responsible, in Russian"), max_length=500, blank=True)
    deadline_ru = models.CharField(_("deadline, in Russian"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("resolution item")
        verbose_name_plural = _("resolution items")
        ordering = ["resolution", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "order"], name="reports_resolutionitem_unique_order"
            ),
            models.CheckConstraint(
                condition=Q(order__gte=1), name="reports_resolutionitem_order_positive"
            ),
            models.CheckConstraint(
                condition=~Q(text=""), name="reports_resolutionitem_text_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.text[:60]}"

    def save(self, *args, **kwargs):
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_draft()
        return super().delete(*args, **kwargs)

    def _check_draft(self):
        if self.resolution_id and (
            Resolution.objects.filter(
                pk=self.resolution_id, status=ResolutionStatus.ADOPTED
            ).exists()
        ):
            raise ResolutionFrozen(_("The items of an adopted resolution cannot be changed."))

    @property
    def shown_text(self):
        """The item's text in the active language (its Russian form on a Russian page)."""
        return in_language(self, "text")
