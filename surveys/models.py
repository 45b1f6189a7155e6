"""Student surveys and their answer shares.

A survey comes from a Google Forms export (surveys.importer) or is answered in the portal through
single-use links (surveys.services). Responses are anonymous: a response stores no user, no
address and no link; a link only knows that it was used, not when, so no response can be traced
back to the link (and the person) it came from.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from academics.choices import Term
from academics.models import AcademicYear
from portal.constraints import in_choices

from .choices import CHOICE_KINDS, About, QuestionKind, Source


class Survey(models.Model):
    title = models.CharField(_("title"), max_length=300, unique=True)
    about = models.CharField(_("about"), max_length=20, choices=About.choices, default=About.OTHER)
    academic_year = models.ForeignKey(
        AcademicYear,
        verbose_name=_("academic year"),
        on_delete=models.PROTECT,
        related_name="surveys",
        null=True,
        blank=True,
    )
    term = models.PositiveSmallIntegerField(_("term"), choices=Term.choices, null=True, blank=True)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("an anonymous survey's import leaves out the respondents' e-mail addresses"),
    )
    is_open = models.BooleanField(
        _("open for answers"),
        default=False,
        help_text=_("answers through the portal's links are taken only while the survey is open"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created", "-id"]
        constraints = [
            in_choices("about", About),
            models.CheckConstraint(
                condition=Q(term__isnull=True) | Q(term__in=Term.values),
                name="surveys_survey_term_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:detail", args=[self.pk])


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "order"]
        constraints = [
            in_choices("kind", QuestionKind),
            models.UniqueConstraint(fields=["survey", "order"], name="surveys_question_order"),
        ]

    def __str__(self):
        return self.text

    @property
    def has_options(self):
        return self.kind in CHOICE_KINDS


class Option(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("text"), max_length=500)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "text"], name="surveys_option_text"),
        ]

    def __str__(self):
        return self.text


class Response(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # An imported row's hash, so that importing a file again adds nothing. Empty for an answer
    # given in the portal: the link's token must not be derivable from the response.
    row_hash = models.CharField(_("row hash"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["survey", "submitted_at", "id"]
        constraints = [
            in_choices("source", Source),
            models.UniqueConstraint(
                fields=["survey", "row_hash"],
                condition=~Q(row_hash=""),
                name="surveys_response_row_hash",
            ),
        ]

    def __str__(self):
        return f"{self.survey} · {self.submitted_at:%Y-%m-%d %H:%M}"


class Answer(models.Model):
    """One answer to one question: the chosen option (a row per option chosen of a multiple
    choice question), or the text of a free-text answer."""

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    option = models.ForeignKey(
        Option,
        verbose_name=_("option"),
        on_delete=models.CASCADE,
        related_name="answers",
        null=True,
        blank=True,
    )
    text = models.TextField(_("text"), blank=True, default="")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question__order", "option__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "option"],
                condition=Q(option__isnull=False),
                name="surveys_answer_option_once",
            ),
            models.CheckConstraint(
                condition=Q(option__isnull=False) | ~Q(text=""),
                name="surveys_answer_not_empty",
            ),
        ]

    def __str__(self):
        return self.text or str(self.option)


def new_token():
    return secrets.token_urlsafe(16)


class SurveyLink(models.Model):
    """A single-use link to answer a survey. It knows only whether it was used: no time and no
    response, so the answers cannot be traced back to whoever was handed the link."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="links"
    )
    token = models.CharField(_("token"), max_length=40, unique=True, default=new_token)
    used = models.BooleanField(_("used"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")
        ordering = ["survey", "id"]

    def __str__(self):
        return self.token

    def get_absolute_url(self):
        return reverse("surveys:answer", args=[self.token])
