"""Forms of the council's resolution: its record, and its "resolves" items as a formset (add,
remove, reorder with plain HTML, no script)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.widgets import DateInput
from sessions_app.models import ExamSession

from .models import Resolution
from .services import ITEM_FIELDS

# Who reports, controls, signs, and the university's name: a new resolution starts from the last
# one's (views._initial_for_new), so they are typed once.
PEOPLE = (
    "reporter_position",
    "reporter_position_ru",
    "reporter_name",
    "controller",
    "controller_ru",
    "university",
    "university_ru",
    "chair_position",
    "chair_position_ru",
    "chair_name",
    "secretary_position",
    "secretary_position_ru",
    "secretary_name",
)


# The section on the execution of the previous resolution: empty, the text is generated.
EXECUTION = ("execution_text", "execution_text_ru")


class ResolutionForm(forms.ModelForm):
    class Meta:
        model = Resolution
        fields = ["session", "council_date", "protocol_number", "verdict", *PEOPLE, *EXECUTION]
        widgets = {
            "execution_text": forms.Textarea(attrs={"rows": 10}),
            "execution_text_ru": forms.Textarea(attrs={"rows": 10}),
            "council_date": DateInput(),
            "reporter_position": forms.TextInput(
                attrs={"placeholder": "Окуу иштери боюнча проректор"}
            ),
            "reporter_position_ru": forms.TextInput(
                attrs={"placeholder": "проректор по учебной работе"}
            ),
            "reporter_name": forms.TextInput(attrs={"placeholder": "У.Ж. Мамытов"}),
            "chair_position": forms.TextInput(
                attrs={"placeholder": "Окумуштуулар кеңешинин төрагасы, ректор"}
            ),
            "chair_position_ru": forms.TextInput(
                attrs={"placeholder": "Председатель учёного совета, ректор"}
            ),
            "secretary_position": forms.TextInput(
                attrs={"placeholder": "Окумуштуулар кеңешинин окумуштуу катчысы"}
            ),
            "secretary_position_ru": forms.TextInput(
                attrs={"placeholder": "Учёный секретарь учёного совета"}
            ),
            "controller": forms.TextInput(
                attrs={"placeholder": "ОшТУнун окуу иштери боюнча проректору У.Ж. Мамытов"}
            ),
        }

    # How the form's page lays the fields out (the others take a third of a row); the execution's
    # texts have a fieldset of their own.
    execution_fields = EXECUTION
    wide_fields = ("controller", "controller_ru", "university", "university_ru")
    half_fields = (
        "session",
        "reporter_position",
        "reporter_position_ru",
        "reporter_name",
        "chair_position",
        "chair_position_ru",
        "secretary_position",
        "secretary_position_ru",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = ExamSession.objects.select_related("academic_year")
        self.fields["council_date"].input_formats = ["%Y-%m-%d", "%d.%m.%Y"]
        # Left empty, the reporter controls the execution, as in the seed's draft.
        self.fields["controller"].required = False
        self.fields["controller"].help_text = _(
            "Who controls the execution of the resolution; empty: the reporter."
        )

    def clean(self):
        data = super().clean()
        if not data.get("controller") and data.get("reporter_name"):
            position = data.get("reporter_position", "")
            data["controller"] = f"{position} {data['reporter_name']}".strip()
        if not data.get("controller_ru") and data.get("reporter_position_ru"):
            position = data["reporter_position_ru"]
            data["controller_ru"] = f"{position} {data.get('reporter_name', '')}".strip()
        return data


class ItemForm(forms.Form):
    text = forms.CharField(
        label=_("What the council resolves"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    responsible = forms.CharField(label=_("Responsible"), max_length=500, required=False)
    deadline = forms.CharField(label=_("Deadline"), max_length=200, required=False)
    text_ru = forms.CharField(
        label=_("What the council resolves, in Russian"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )
    responsible_ru = forms.CharField(
        label=_("Responsible, in Russian"), max_length=500, required=False
    )
    deadline_ru = forms.CharField(label=_("Deadline, in Russian"), max_length=200, required=False)

    def as_item(self):
        return tuple(self.cleaned_data.get(name, "") for name in ITEM_FIELDS)


class BaseItemFormSet(forms.BaseFormSet):
    def items(self):
        """The items kept, in the order asked for (ordered_forms drops the deleted and the
        untouched blank ones)."""
        return [form.as_item() for form in self.ordered_forms]


ItemFormSet = forms.formset_factory(
    ItemForm,
    formset=BaseItemFormSet,
    extra=2,
    can_order=True,
    can_delete=True,
    max_num=40,
    validate_max=True,
)


def item_initial(items):
    """The formset's initial rows from ITEM_FIELDS tuples."""
    return [
        {**dict(zip(ITEM_FIELDS, item, strict=False)), "ORDER": order}
        for order, item in enumerate(items, start=1)
    ]
