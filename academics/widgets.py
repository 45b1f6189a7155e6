"""Import-export widgets of the academic structure: cells in three languages, natural keys."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from import_export import widgets

from .choices import (
    Degree,
    Employment,
    Funding,
    Level,
    LoadLevel,
    Position,
    StudentStatus,
    StudyForm,
    Term,
    Title,
)
from .models import AcademicYear, Department, Program, StudyGroup

# What a cell may say for each stored value, besides the value itself and its label in English
# (and in Kyrgyz and Russian once those are translated). Kyrgyz terms follow the glossary of
# DOMAIN.md. Matching ignores case, surrounding spaces, "ё"/"е", "_" and "-" (see `normalize`).
CHOICE_ALIASES = {
    Funding: {
        Funding.BUDGET: ("бюджет", "бюджеттик", "бюджеттик негиз", "бюджетная", "бюджетный"),
        Funding.CONTRACT: (
            "контракт",
            "контракттык",
            "контракттык негиз",
            "келишим",
            "келишимдик",
            "контрактная",
            "контрактный",
            "договор",
        ),
    },
    StudyForm: {
        StudyForm.DAY: ("күндүзгү", "очная", "очно", "очный", "дневная"),
        StudyForm.EXTRAMURAL: ("сырттан", "сырттан окуу", "заочная", "заочно", "заочный"),
    },
    Level: {
        Level.BACHELOR: ("бакалавр", "бакалавриат"),
        Level.SPECIALIST: ("адис", "адистик", "специалист", "специалитет"),
        Level.MASTER: ("магистр", "магистратура"),
        Level.PHD: ("phd", "доктор phd", "докторантура phd"),
        Level.SECONDARY: (
            "орто кесиптик",
            "орто кесиптик билим",
            "среднее профессиональное",
            "среднее профессиональное образование",
            "спо",
        ),
        Level.SHORT_COURSE: (
            "кыска мөөнөттөгү курс",
            "кыска мөөнөттүү курс",
            "краткосрочный курс",
            "краткосрочные курсы",
        ),
    },
    LoadLevel: {
        LoadLevel.HIGHER: (
            "жогорку кесиптик",
            "жогорку кесиптик билим",
            "высшее профессиональное",
            "высшее профессиональное образование",
            "впо",
        ),
        LoadLevel.SECONDARY: (
            "орто кесиптик",
            "орто кесиптик билим",
            "среднее профессиональное",
            "среднее профессиональное образование",
            "спо",
        ),
    },
    StudentStatus: {
        StudentStatus.STUDYING: ("окуйт", "окуп жатат", "обучается", "учится"),
        StudentStatus.ACADEMIC_LEAVE: (
            "академиялык өргүү",
            "академиялык өргүүдө",
            "академический отпуск",
            "академотпуск",
        ),
        StudentStatus.EXPELLED: ("чыгарылган", "окуудан чыгарылган", "отчислен", "отчислена"),
        StudentStatus.GRADUATED: ("бүтүргөн", "окуусун бүтүргөн", "выпускник", "окончил"),
    },
    Position: {
        Position.HEAD: ("кафедра башчысы", "башчы", "заведующий кафедрой", "зав. кафедрой"),
        Position.PROFESSOR: ("профессор",),
        Position.DOCENT: ("доцент",),
        Position.SENIOR_LECTURER: (
            "улук окутуучу",
            "старший преподаватель",
            "ст. преподаватель",
        ),
        Position.LECTURER: ("окутуучу", "преподаватель"),
        Position.ASSISTANT: ("ассистент",),
    },
    Degree: {
        Degree.DOCTOR: ("илимдин доктору", "доктор наук", "д.н."),
        Degree.CANDIDATE: ("илимдин кандидаты", "кандидат наук", "к.н."),
        Degree.PHD: ("phd", "философия доктору", "доктор философии"),
        Degree.NONE: ("жок", "даражасы жок", "нет", "без степени"),
    },
    Title: {
        Title.PROFESSOR: ("профессор",),
        Title.DOCENT: ("доцент",),
        Title.NONE: ("жок", "наамы жок", "нет", "без звания"),
    },
    Employment: {
        Employment.FULL_TIME: ("штаттык", "негизги", "штатный", "основной"),
        Employment.PART_TIME: (
            "айкалыштыруучу",
            "айкалыштыруу менен",
            "совместитель",
            "по совместительству",
        ),
    },
    Term: {
        Term.FIRST: (
            "i",
            "i семестр",
            "1 семестр",
            "күзгү",
            "күзгү семестр",
            "i жарым жылдык",
            "осенний",
            "осенний семестр",
            "autumn",
        ),
        Term.SECOND: (
            "ii",
            "ii семестр",
            "2 семестр",
            "жазгы",
            "жазгы семестр",
            "ii жарым жылдык",
            "весенний",
            "весенний семестр",
            "spring",
        ),
    },
}

YES = ("1", "yes", "y", "true", "ооба", "да")
NO = ("0", "no", "n", "false", "жок", "нет")

REQUIRED = _("a value is required")


def cell_text(value):
    """A cell as text: spreadsheets give numbers for codes such as 710400, and None for blanks."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def normalize(value):
    """The form in which headers and labels are compared."""
    text = cell_text(value).casefold().replace("ё", "е")
    for dash in "_-–—":
        text = text.replace(dash, " ")
    return " ".join(text.split())


class CellError(ValueError):
    """A bad value found while reading one column that sits in another column of the row."""

    def __init__(self, message, column):
        super().__init__(message)
        self.column = column


class TextWidget(widgets.CharWidget):
    """Text with the surrounding spaces trimmed; a number typed into a text column stays whole."""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class ChoiceWidget(widgets.Widget):
    """A choice written as its stored value or any label of CHOICE_ALIASES; exported as stored."""

    def __init__(self, choices, required=True):
        super().__init__()
        self.choices = choices
        self.required = required
        self._lookup = None

    def lookup(self):
        if self._lookup is None:
            lookup = {}

            def add(alias, value):
                key = normalize(alias)
                if lookup.setdefault(key, value) != value:
                    raise ImproperlyConfigured(
                        f"{self.choices.__name__}: “{alias}” names two values, "
                        f"{lookup[key]!r} and {value!r}."
                    )

            for value, label in zip(self.choices.values, self.choices.labels, strict=True):
                add(value, value)
                with translation.override("en"):
                    add(str(label), value)
            for value, aliases in CHOICE_ALIASES.get(self.choices, {}).items():
                for alias in aliases:
                    add(alias, value)
            # Translated labels are accepted too, but never displace one of the words above.
            for language in ("ky", "ru"):
                with translation.override(language):
                    for value, label in zip(self.choices.values, self.choices.labels, strict=True):
                        lookup.setdefault(normalize(str(label)), value)
            self._lookup = lookup
        return self._lookup

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(REQUIRED)
            return None
        try:
            return self.lookup()[normalize(text)]
        except KeyError:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s")
                % {"value": text, "choices": ", ".join(str(v) for v in self.choices.values)}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else str(value)


class YesNoWidget(widgets.Widget):
    """A yes/no cell: yes/no, ооба/жок, да/нет, 1/0, true/false; a blank keeps the default."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = normalize(value)
        if not text:
            return None
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(
            _("“%(value)s” is neither yes nor no (ооба/жок, да/нет, 1/0)")
            % {"value": cell_text(value)}
        )

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value
        return "1" if value else "0"


def _number_text(value):
    # Kyrgyz and Russian write "0,5" and group thousands with (non-breaking) spaces.
    return cell_text(value).replace("\xa0", "").replace(" ", "").replace(",", ".")


class IntegerWidget(widgets.Widget):
    """A whole number within bounds; a blank is an error when required, else keeps the default."""

    def __init__(self, min_value=0, max_value=None, required=True):
        super().__init__()
        self.min_value = min_value
        self.max_value = max_value
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = _number_text(value)
        if not text:
            if self.required:
                raise ValueError(REQUIRED)
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number") % {"value": cell_text(value)})
        number = int(number)
        _check_range(number, self.min_value, self.max_value)
        return number

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else str(value)


class DecimalWidget(widgets.Widget):
    """A decimal number within bounds, written with "." or ","; a blank keeps the default."""

    def __init__(self, min_value=None, max_value=None, required=False):
        super().__init__()
        self.min_value = min_value
        self.max_value = max_value
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = _number_text(value)
        if not text:
            if self.required:
                raise ValueError(REQUIRED)
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(_("“%(value)s” is not a number") % {"value": cell_text(value)})
        _check_range(number, self.min_value, self.max_value)
        return number

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else str(value)


def _check_range(number, min_value, max_value):
    if (min_value is not None and number < min_value) or (
        max_value is not None and number > max_value
    ):
        if max_value is None:
            message = _("%(value)s is too small: the least allowed is %(min)s")
        else:
            message = _("%(value)s is out of range: it must be from %(min)s to %(max)s")
        raise ValueError(message % {"value": number, "min": min_value, "max": max_value})


class AcademicYearWidget(widgets.Widget):
    """An academic year by its name, "2023-2024"; the year must already be in the portal."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            raise ValueError(REQUIRED)
        start_year = AcademicYear.parse_name(text)
        try:
            return AcademicYear.objects.get(start_year=start_year)
        except AcademicYear.DoesNotExist:
            raise ValueError(
                _("there is no academic year %(year)s in the portal")
                % {"year": f"{start_year}-{start_year + 1}"}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


class DepartmentWidget(widgets.Widget):
    """A department by its full name."""

    def clean(self, value, row=None, **kwargs):
        name = cell_text(value)
        if not name:
            raise ValueError(REQUIRED)
        try:
            return Department.objects.get(name=name)
        except Department.DoesNotExist:
            raise ValueError(_("no department “%(name)s”") % {"name": name}) from None

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


class StudyGroupWidget(widgets.Widget):
    """A study group by its name and the row's academic year: names are reused from year to year."""

    def __init__(self, year_column="academic_year"):
        super().__init__()
        self.year_column = year_column

    def clean(self, value, row=None, **kwargs):
        name = cell_text(value)
        if not name:
            raise ValueError(REQUIRED)
        year_text = cell_text((row or {}).get(self.year_column))
        if not year_text:
            raise CellError(REQUIRED, self.year_column)
        try:
            start_year = AcademicYear.parse_name(year_text)
        except ValueError as error:
            raise CellError(str(error), self.year_column) from None
        try:
            return StudyGroup.objects.get(name=name, academic_year__start_year=start_year)
        except StudyGroup.DoesNotExist:
            raise ValueError(
                _("no study group “%(name)s” in %(year)s")
                % {"name": name, "year": f"{start_year}-{start_year + 1}"}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.name if value is not None else ""


class ProgramWidget(widgets.Widget):
    """A program by its code and the row's level and form; a short course without a code by name."""

    def __init__(self, level_column="level", form_column="form", name_column="program_name"):
        super().__init__()
        self.level_column = level_column
        self.form_column = form_column
        self.name_column = name_column
        self.level_widget = ChoiceWidget(Level)
        self.form_widget = ChoiceWidget(StudyForm)

    def _choice(self, widget, row, column):
        try:
            return widget.clean((row or {}).get(column))
        except ValueError as error:
            raise CellError(str(error), column) from None

    def clean(self, value, row=None, **kwargs):
        code = cell_text(value)
        level = self._choice(self.level_widget, row, self.level_column)
        form = self._choice(self.form_widget, row, self.form_column)
        if code:
            lookup = {"code": code}
        else:
            name = cell_text((row or {}).get(self.name_column))
            if not name:
                raise ValueError(
                    _("a program code is required (a short course without a code: its name)")
                )
            lookup = {"code": "", "name": name}
        try:
            return Program.objects.get(level=level, form=form, **lookup)
        except Program.DoesNotExist:
            raise ValueError(
                _("no program “%(program)s” at the level “%(level)s” in the form “%(form)s”")
                % {
                    "program": code or lookup["name"],
                    "level": Level(level).label,
                    "form": StudyForm(form).label,
                }
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.code if value is not None else ""
