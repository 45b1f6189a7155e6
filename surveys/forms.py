"""The surveys' forms: the import's upload, the links, and the anonymous answer form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from academics.choices import Term
from academics.models import AcademicYear

from .choices import About, QuestionKind
from .services import MAX_LINKS_AT_ONCE


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Google Forms export"),
        help_text=_(
            "the answers downloaded from Google Forms or its sheet as CSV or XLSX, or from "
            "Microsoft Forms as XLSX"
        ),
    )
    title = forms.CharField(label=_("Survey title"), max_length=300)
    about = forms.ChoiceField(label=_("About"), choices=About.choices, initial=About.EXAM_SESSION)
    year = forms.CharField(
        label=_("Academic year"), required=False, max_length=9, help_text=_("e.g. 2023-2024")
    )
    term = forms.TypedChoiceField(
        label=_("Term"),
        choices=[("", "—"), *Term.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def clean_year(self):
        year = self.cleaned_data["year"].strip()
        if year:
            try:
                AcademicYear.parse_name(year)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from error
        return year


class LinksForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of links"), min_value=1, max_value=MAX_LINKS_AT_ONCE, initial=30
    )


class AnswerForm(forms.Form):
    """One field per question of the survey; every question may be left unanswered."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {}
        self.options = {}
        for question in questions:
            name = f"q{question.pk}"
            options = list(question.options.all())
            if question.kind == QuestionKind.TEXT:
                field = forms.CharField(
                    required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
                )
            elif question.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    required=False,
                    choices=[(str(option.pk), option.text) for option in options],
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                field = forms.ChoiceField(
                    required=False,
                    choices=[(str(option.pk), option.text) for option in options],
                    widget=forms.RadioSelect,
                )
            self.options[question.pk] = {str(option.pk): option for option in options}
            field.label = question.text
            self.fields[name] = field
            self.questions[name] = question

    def clean(self):
        cleaned = super().clean()
        if not any(value for value in cleaned.values()):
            raise forms.ValidationError(_("Answer at least one question."))
        return cleaned

    def answers(self):
        """{question: its Option, a list of Options (multiple choice), its text, or None}."""
        answers = {}
        for name, question in self.questions.items():
            value = self.cleaned_data.get(name)
            options = self.options.get(question.pk, {})
            if question.kind == QuestionKind.TEXT:
                answers[question] = value or ""
            elif question.kind == QuestionKind.MULTIPLE:
                answers[question] = [options[pk] for pk in value or []]
            else:
                answers[question] = options.get(value) if value else None
        return answers
