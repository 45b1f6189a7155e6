"""The create and edit forms of the academic department (the registries' filters are in
filtersets.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from academics.models import Program
from portal.widgets import DateInput

from .models import Accreditation, LicenceApplication, Seminar

# --- Create and edit --------------------------------------------------------------------------


def _programs():
    return Program.objects.order_by("level", "code", "name", "form")


class LicenceApplicationForm(forms.ModelForm):
    class Meta:
        model = LicenceApplication
        fields = [
            "program",
            "code",
            "name",
            "level",
            "form",
            "date_sent",
            "status",
            "licence_number",
            "licence_date",
            "valid_until",
            "note",
        ]
        widgets = {
            "date_sent": DateInput(),
            "licence_date": DateInput(),
            "valid_until": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "level": _("taken from the program when one is chosen"),
            "form": _("taken from the program when one is chosen"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = _programs()


class AccreditationForm(forms.ModelForm):
    class Meta:
        model = Accreditation
        fields = [
            "kind",
            "program",
            "agency",
            "decision_date",
            "term_years",
            "certificate_number",
            "suspended",
            "report_file",
            "note",
        ]
        widgets = {"decision_date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = _programs()


class SeminarForm(forms.ModelForm):
    class Meta:
        model = Seminar
        fields = [
            "topic",
            "date",
            "agency",
            "participants",
            "participants_note",
            "materials",
            "materials_file",
        ]
        widgets = {"date": DateInput(), "materials": forms.Textarea(attrs={"rows": 3})}
