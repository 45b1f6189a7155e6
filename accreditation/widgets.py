"""Import-export widgets of licensing and accreditation: dates as sheets write them, agencies by
name or short name, programs by code, level and form."""

import datetime
import re

from django.utils.translation import gettext_lazy as _
from import_export import widgets

from academics.widgets import REQUIRED, CellError, ChoiceWidget, ProgramWidget, cell_text, normalize

from .choices import AccreditationKind, LicenceStatus
from .models import Agency

CHOICE_ALIASES = {
    LicenceStatus: {
        LicenceStatus.SENT: ("жөнөтүлдү", "жөнөтүлгөн", "направлено", "отправлено"),
        LicenceStatus.GRANTED: ("алынды", "берилди", "лицензия алынды", "получена", "выдана"),
        LicenceStatus.REFUSED: ("четке кагылды", "баш тартылды", "отказано", "отказ"),
    },
    AccreditationKind: {
        AccreditationKind.PROGRAM: ("program", "программалык", "программная"),
        AccreditationKind.INSTITUTIONAL: (
            "institutional",
            "институционалдык",
            "институциональная",
        ),
    },
}

# 9.01.2024, 09.01.2024-жыл, 9/1/2024 (day first, as Kyrgyz and Russian write), 2024-01-09.
_DAY_FIRST = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


class AliasChoiceWidget(ChoiceWidget):
    """A ChoiceWidget that also knows this app's words for its values."""

    def lookup(self):
        if self._lookup is None:
            lookup = dict(super().lookup())
            for value, aliases in CHOICE_ALIASES.get(self.choices, {}).items():
                for alias in aliases:
                    lookup.setdefault(normalize(alias), value)
            self._lookup = lookup
        return self._lookup


class DateWidget(widgets.Widget):
    """A date cell: a real spreadsheet date, or text such as 9.01.2024 or 2024-01-09."""

    def __init__(self, required=True):
        super().__init__()
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(REQUIRED)
            return None
        match = _DAY_FIRST.match(text)
        parts = None
        if match:
            day, month, year = (int(part) for part in match.groups())
            parts = (year, month, day)
        else:
            match = _ISO.match(text)
            if match:
                parts = tuple(int(part) for part in match.groups())
        try:
            if parts:
                return datetime.date(*parts)
        except ValueError:
            pass
        raise ValueError(_("“%(value)s” is not a date; write it as 09.01.2024") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value
        return value.strftime("%d.%m.%Y")


class AgencyWidget(widgets.Widget):
    """An agency by its name or its short name (НИРАС), whatever the case."""

    def __init__(self, required=True):
        super().__init__()
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(REQUIRED)
            return None
        wanted = normalize(text.strip('"“”«»'))
        for agency in Agency.objects.all():
            if wanted in (normalize(agency.name), normalize(agency.short_name)):
                return agency
        raise ValueError(_("no agency “%(name)s”") % {"name": text})

    def render(self, value, obj=None, **kwargs):
        return str(value) if value is not None else ""


class AccreditedProgramWidget(ProgramWidget):
    """The program of a program accreditation; an institutional one has none."""

    def __init__(self, kind_column="kind", **kwargs):
        super().__init__(**kwargs)
        self.kind_column = kind_column
        self.kind_widget = AliasChoiceWidget(AccreditationKind, required=False)

    def clean(self, value, row=None, **kwargs):
        try:
            kind = self.kind_widget.clean((row or {}).get(self.kind_column))
        except ValueError as error:
            raise CellError(str(error), self.kind_column) from None
        if kind == AccreditationKind.INSTITUTIONAL:
            if cell_text(value):
                raise ValueError(_("an institutional accreditation has no program"))
            return None
        return super().clean(value, row, **kwargs)
