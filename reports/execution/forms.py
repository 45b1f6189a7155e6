"""Forms of the execution of the council's resolution: an item's plan (who, by when), a report on
a part with its files, the review, the cancellation. Each carries the assignment's version, so
that a form read before someone else's change is refused (services.StaleAssignment)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from academics import roles
from academics.models import Department, Faculty
from portal.widgets import DateInput

from .models import DeadlineKind
from .services import MAX_ATTACHMENTS, Plan

ACCEPT, RETURN = "accept", "return"


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


def _people():
    """The portal's people who may be named: active users with a portal role."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=list(roles.LABELS))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class PlanForm(VersionForm):
    """Who executes an item and by when: at adoption (one per item, no version) and later."""

    deadline_kind = forms.ChoiceField(label=_("Deadline"), choices=DeadlineKind.choices)
    deadline = forms.DateField(
        label=_("Date"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the date the kind of deadline resolves to (shown beside)."),
    )
    faculties = forms.ModelMultipleChoiceField(
        label=_("Faculties (their dean's offices)"),
        queryset=Faculty.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Department.objects.select_related("faculty"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    users = PersonChoice(
        label=_("People"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(self, *args, versioned=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = _people()
        if not versioned:
            del self.fields["version"]

    def clean(self):
        data = super().clean()
        if data.get("deadline_kind") == DeadlineKind.DATE and not data.get("deadline"):
            self.add_error("deadline", _("Give the date."))
        return data

    def plan(self):
        data = self.cleaned_data
        return Plan(
            data["deadline_kind"],
            data.get("deadline"),
            list(data["faculties"]),
            list(data["departments"]),
            list(data["users"]),
        )

    @staticmethod
    def initial_of(plan):
        return {
            "deadline_kind": plan.deadline_kind,
            "deadline": plan.deadline if plan.deadline_kind == DeadlineKind.DATE else None,
            "faculties": plan.faculties,
            "departments": plan.departments,
            "users": plan.users,
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented way)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ReportForm(VersionForm):
    text = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    progress = forms.IntegerField(
        label=_("Done, %"),
        min_value=0,
        max_value=100,
        help_text=_("100: your part is done."),
    )
    files = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Interpolated here, in the request's language (a lazy text interpolated at import
        # would be fixed in the language of the moment).
        self.fields["files"].help_text = _(
            "PDF, Word, Excel or images (PNG, JPEG); at most %(count)s files."
        ) % {"count": MAX_ATTACHMENTS}


class ReviewForm(VersionForm):
    decision = forms.ChoiceField(
        choices=[(ACCEPT, _("Accept")), (RETURN, _("Return"))], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when returning: say what is missing."),
    )


class CancelForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2})
    )
