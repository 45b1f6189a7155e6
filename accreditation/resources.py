"""Spreadsheet import and export of agencies, licence applications, accreditations and seminars,
all or nothing, with the headers and words of academics.resources in three languages."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from academics.choices import Level, StudyForm
from academics.models import Program
from academics.resources import AcademicResource
from academics.widgets import ChoiceWidget, IntegerWidget, TextWidget, YesNoWidget

from .choices import AccreditationKind, LicenceStatus
from .models import Accreditation, Agency, LicenceApplication, Seminar
from .widgets import AccreditedProgramWidget, AgencyWidget, AliasChoiceWidget, DateWidget

# This app's columns, beside the ones academics.resources.HEADER_ALIASES already knows
# (program_code, program_name, level, form).
COLUMN_ALIASES = {
    "name": ("Аталышы", "Агенттиктин аталышы", "Название", "Название агентства"),
    "short_name": ("Кыскача аталышы", "Кыска аталышы", "Краткое название", "Аббревиатура"),
    "country": ("Өлкө", "Өлкөсү", "Страна"),
    "note": ("Эскертүү", "Эскертме", "Примечание"),
    "date_sent": (
        "Жөнөтүлгөн күнү",
        "Жөнөтүлгөн датасы",
        "Дата отправки",
        "Дата подачи",
        "date sent",
    ),
    "status": ("Абалы", "Статусу", "Статус"),
    "licence_number": (
        "Лицензиянын номери",
        "Лицензия №",
        "Номер лицензии",
        "№ лицензии",
        "licence number",
    ),
    "licence_date": ("Лицензиянын датасы", "Лицензия берилген күнү", "Дата лицензии"),
    "valid_until": ("Мөөнөтү бүтөт", "Жарактуу мөөнөтү", "Действительна до", "Срок действия"),
    "kind": ("Түрү", "Аккредитациянын түрү", "Вид", "Вид аккредитации"),
    "agency": ("Агенттик", "Агенттиктин аталышы", "Агентство", "Аккредитационное агентство"),
    "decision_date": ("Чечимдин күнү", "Чечим кабыл алынган күнү", "Дата решения"),
    "term_years": (
        "Мөөнөтү",
        "Мөөнөтү, жыл",
        "Мөөнөт (жыл)",
        "Срок",
        "Срок, лет",
        "Срок (лет)",
        "term, years",
    ),
    "expiry_date": ("Аяктоо күнү", "Мөөнөтү бүткөн күнү", "Дата окончания", "expiry date"),
    "certificate_number": ("Сертификаттын номери", "Сертификат №", "Номер сертификата"),
    "suspended": ("Токтотулган", "Приостановлена", "suspended"),
    "topic": (
        "Тема",
        "Темасы",
        "Семинардын темасы",
        "Семинардын темалары",
        "Тема семинара",
    ),
    "date": ("Күнү", "Датасы", "Дата"),
    "participants": (
        "Катышуучулардын саны",
        "Катышуучулар саны",
        "Количество участников",
        "Число участников",
        "number of participants",
    ),
    "participants_note": ("Катышуучулар", "Участники"),
    "materials": ("Материалдар", "Материалы"),
}


class RegistryResource(AcademicResource):
    """Looks existing rows up by `existing(row)` rather than by one column per key part: a
    licence's program is a registry program or a code and name of its own."""

    @classmethod
    def get_column_aliases(cls):
        aliases = super().get_column_aliases()
        for column in aliases:
            if column in COLUMN_ALIASES and column not in cls.column_aliases:
                aliases[column] = tuple(dict.fromkeys((*aliases[column], *COLUMN_ALIASES[column])))
        return aliases

    def get_instance(self, instance_loader, row):
        try:
            return self.existing(row)
        except ValueError:
            # The row is treated as new: import_instance() then reports the bad cell.
            return None

    def existing(self, row):
        raise NotImplementedError

    def cleaned(self, row, name):
        return self.fields[name].clean(row)


def find_program(code, name, level, form):
    """The registry program with this code (or, without a code, this name) at this level and
    form; None when there is none."""
    if not (level and form and (code or name)):
        return None
    lookup = {"code": code} if code else {"code": "", "name": name}
    return Program.objects.filter(level=level, form=form, **lookup).first()


class AgencyResource(RegistryResource):
    name = Field("name", "name", widget=TextWidget())
    short_name = Field("short_name", "short_name", widget=TextWidget())
    country = Field("country", "country", widget=TextWidget())
    note = Field("note", "note", widget=TextWidget())

    required_columns = ("name",)

    class Meta:
        model = Agency
        fields = ("name", "short_name", "country", "note")
        import_id_fields = ("name",)
        name = _("Accreditation agencies")

    def existing(self, row):
        return Agency.objects.filter(name=self.cleaned(row, "name")).first()


class LicenceApplicationResource(RegistryResource):
    program_code = Field("code", "program_code", widget=TextWidget())
    program_name = Field("name", "program_name", widget=TextWidget())
    level = Field("level", "level", widget=ChoiceWidget(Level))
    form = Field("form", "form", widget=ChoiceWidget(StudyForm))
    date_sent = Field("date_sent", "date_sent", widget=DateWidget())
    status = Field(
        "status",
        "status",
        widget=AliasChoiceWidget(LicenceStatus, required=False),
        saves_null_values=False,
    )
    licence_number = Field("licence_number", "licence_number", widget=TextWidget())
    licence_date = Field("licence_date", "licence_date", widget=DateWidget(required=False))
    valid_until = Field("valid_until", "valid_until", widget=DateWidget(required=False))
    note = Field("note", "note", widget=TextWidget())

    required_columns = ("program_name", "level", "form", "date_sent")

    class Meta:
        model = LicenceApplication
        fields = ("program_code", "program_name", "level", "form", "date_sent", "status")
        fields += ("licence_number", "licence_date", "valid_until", "note")
        import_id_fields = ("program_code", "program_name", "level", "form", "date_sent")
        name = _("Licence applications")

    def get_queryset(self):
        return super().get_queryset().select_related("program")

    # A registry program's code and name are the program's; the row stores only the link.
    def dehydrate_program_code(self, obj):
        return obj.program.code if obj.program_id else obj.code

    def dehydrate_program_name(self, obj):
        return obj.program.name if obj.program_id else obj.name

    def _key(self, row):
        code = self.cleaned(row, "program_code")
        name = self.cleaned(row, "program_name")
        level, form = self.cleaned(row, "level"), self.cleaned(row, "form")
        return code, name, level, form, self.cleaned(row, "date_sent")

    def existing(self, row):
        code, name, level, form, date_sent = self._key(row)
        program = find_program(code, name, level, form)
        if program is not None:
            where = Q(program=program)
        else:
            where = Q(program__isnull=True, code=code, name=name, level=level, form=form)
        return LicenceApplication.objects.filter(where, date_sent=date_sent).first()

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        program = find_program(instance.code, instance.name, instance.level, instance.form)
        instance.program = program
        if program is not None:
            instance.code = instance.name = ""


class AccreditationResource(RegistryResource):
    kind = Field(
        "kind",
        "kind",
        widget=AliasChoiceWidget(AccreditationKind, required=False),
        saves_null_values=False,
    )
    program = Field("program", "program_code", widget=AccreditedProgramWidget())
    # Read by the program's widget on import.
    program_name = Field("program__name", "program_name", widget=TextWidget(), readonly=True)
    level = Field("program__level", "level", widget=ChoiceWidget(Level), readonly=True)
    form = Field("program__form", "form", widget=ChoiceWidget(StudyForm), readonly=True)
    agency = Field("agency", "agency", widget=AgencyWidget())
    decision_date = Field("decision_date", "decision_date", widget=DateWidget())
    term_years = Field(
        "term_years",
        "term_years",
        widget=IntegerWidget(min_value=1, max_value=20, required=False),
        saves_null_values=False,
    )
    expiry_date = Field("expiry_date", "expiry_date", widget=DateWidget(), readonly=True)
    certificate_number = Field("certificate_number", "certificate_number", widget=TextWidget())
    suspended = Field("suspended", "suspended", widget=YesNoWidget(), saves_null_values=False)
    note = Field("note", "note", widget=TextWidget())

    required_columns = ("agency", "decision_date")

    class Meta:
        model = Accreditation
        fields = ("kind", "program", "program_name", "level", "form", "agency")
        fields += ("decision_date", "term_years", "expiry_date", "certificate_number")
        fields += ("suspended", "note")
        import_id_fields = ("kind", "program", "agency", "decision_date")
        name = _("Accreditations")

    def get_queryset(self):
        return super().get_queryset().select_related("program", "agency")

    def dehydrate_level(self, obj):
        return obj.program.level if obj.program_id else ""

    def dehydrate_form(self, obj):
        return obj.program.form if obj.program_id else ""

    def existing(self, row):
        kind = self.cleaned(row, "kind") or AccreditationKind.PROGRAM
        return Accreditation.objects.filter(
            kind=kind,
            program=self.cleaned(row, "program"),
            agency=self.cleaned(row, "agency"),
            decision_date=self.cleaned(row, "decision_date"),
        ).first()

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # The expiry is derived: the preview shows it and the duplicate check sees it.
        instance.compute_expiry()


class SeminarResource(RegistryResource):
    topic = Field("topic", "topic", widget=TextWidget())
    date = Field("date", "date", widget=DateWidget())
    agency = Field("agency", "agency", widget=AgencyWidget(required=False))
    participants = Field(
        "participants", "participants", widget=IntegerWidget(min_value=0, required=False)
    )
    participants_note = Field("participants_note", "participants_note", widget=TextWidget())
    materials = Field("materials", "materials", widget=TextWidget())

    required_columns = ("topic", "date")

    class Meta:
        model = Seminar
        fields = ("topic", "date", "agency", "participants", "participants_note", "materials")
        import_id_fields = ("topic", "date")
        name = _("Seminars")

    def get_queryset(self):
        return super().get_queryset().select_related("agency")

    def existing(self, row):
        return Seminar.objects.filter(
            topic=self.cleaned(row, "topic"), date=self.cleaned(row, "date")
        ).first()
