"""Spreadsheet import and export of students, study groups, teaching staff and teaching loads."""

from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.functional import cached_property
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.fields import Field
from import_export.instance_loaders import ModelInstanceLoader
from import_export.results import Error, Result, RowResult
from openpyxl.utils import get_column_letter

from portal.safe_cells import safe_cell

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
from .models import StaffMember, Student, StudyGroup, TeachingLoad
from .widgets import (
    AcademicYearWidget,
    ChoiceWidget,
    DecimalWidget,
    DepartmentWidget,
    IntegerWidget,
    ProgramWidget,
    StudyGroupWidget,
    TextWidget,
    YesNoWidget,
    cell_text,
    normalize,
)

# Each column has one English header, the one exports write, and the Kyrgyz and Russian headers
# a sheet may use instead. Matching ignores case, surrounding spaces, "ё"/"е", "_" and "-".
HEADER_ALIASES = {
    "record_book": (
        "Зачеттук китепченин №",
        "Зачеттук китепченин номери",
        "Зачеттук китепче",
        "Номер зачётки",
        "Номер зачётной книжки",
        "№ зачётной книжки",
        "№ зачётки",
        "Зачётная книжка",
        "record-book number",
    ),
    "full_name": (
        "Аты-жөнү",
        "Фамилиясы, аты",
        "Студенттин аты-жөнү",
        "Окутуучунун аты-жөнү",
        "ФИО",
        "Ф.И.О.",
        "Фамилия, имя, отчество",
        "full name",
    ),
    "group": ("Тайпа", "Тайпасы", "Группа", "study group"),
    "academic_year": ("Окуу жылы", "Учебный год", "academic year"),
    "funding": (
        "Каржылоо",
        "Окуу негизи",
        "Негизи",
        "Бюджет/контракт",
        "Финансирование",
        "Основа обучения",
    ),
    "foreign": (
        "Чет өлкөлүк",
        "Чет өлкөлүк студент",
        "Иностранный",
        "Иностранный студент",
        "Иностранец",
        "foreign student",
    ),
    "status": ("Абалы", "Статусу", "Статус"),
    "program_code": (
        "Программанын коду",
        "Багыттын коду",
        "Шифр",
        "Код программы",
        "Код направления",
        "Шифр направления",
        "program code",
    ),
    "program_name": (
        "Билим берүү программасы",
        "Программанын аталышы",
        "Багыт",
        "Образовательная программа",
        "Название программы",
        "Направление",
        "program",
    ),
    "level": ("Деңгээл", "Деңгээли", "Уровень", "Уровень образования"),
    "form": ("Окуу түрү", "Форма обучения", "Форма", "study form"),
    "year_of_study": ("Курс", "Окуу курсу", "year of study"),
    "personnel_number": (
        "Табель №",
        "Табелдик номер",
        "Табелдик №",
        "Табельный номер",
        "Таб. №",
        "personnel number",
    ),
    "department": ("Кафедра", "Кафедрасы"),
    "position": ("Кызматы", "Кызмат орду", "Должность"),
    "degree": ("Илимий даражасы", "Даражасы", "Учёная степень", "Степень", "academic degree"),
    "title": ("Илимий наамы", "Наамы", "Учёное звание", "Звание", "academic title"),
    "employment": (
        "Иштөө шарты",
        "Штаттык/айкалыштыруучу",
        "Условия работы",
        "Штатный/совместитель",
        "Вид занятости",
    ),
    "rate": ("Ставка", "Ставкасы", "Доля ставки", "FTE rate"),
    "term": ("Семестр", "Жарым жылдык", "term"),
    "planned_hours": (
        "Пландалган саат",
        "Пландалган",
        "План",
        "Планируемые часы",
        "По плану",
        "planned hours",
    ),
    "performed_hours": (
        "Аткарылган саат",
        "Аткарылган",
        "Факт",
        "Выполнено",
        "Фактически выполнено",
        "performed hours",
    ),
    "reason": ("Себеби", "Себептери", "Причина", "Причины"),
}

# The running number that sheets keep in their first column; it is not data.
IGNORED_HEADERS = {normalize(header) for header in ("№", "№ п/п", "п/п", "Р/с", "Катар №", "#")}


class ImportFileError(Exception):
    """What is wrong with the sheet as a whole (its headers): one message per problem."""

    def __init__(self, messages):
        self.messages = [str(message) for message in messages]
        super().__init__(" ".join(self.messages))


class ImportRowError(Error):
    """An import error; a problem of the file itself is the user's to fix: no traceback."""

    @cached_property
    def traceback(self):
        if isinstance(self.error, ImportFileError):
            return ""
        return Error.traceback.func(self)


class SheetResult(Result):
    """Numbers rows as the spreadsheet does: the header is row 1, the first data row is row 2."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + 1, row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(number + 1, row, errors)

    def row_errors(self):
        return [
            (row.errors[0].number + 1 if row.errors[0].number else index + 1, row.errors)
            for index, row in enumerate(self.rows)
            if row.errors
        ]


class SheetInstanceLoader(ModelInstanceLoader):
    """Finds the row's object by its natural key; a key that does not read is reported later."""

    def get_instance(self, row):
        try:
            return super().get_instance(row)
        except ValueError:
            # The row is treated as new: import_instance() then reports the bad cell by column.
            return None


class AcademicResource(resources.ModelResource):
    """Headers in three languages, all-or-nothing imports, errors that name the row and column.

    Subclasses declare their fields with the canonical English column names, list the columns a
    sheet must have in `required_columns`, and may add or replace aliases in `column_aliases`.
    """

    required_columns = ()
    column_aliases = {}

    class Meta:
        use_transactions = True
        # Read by import_data(): with it, one invalid row rolls back the whole file, on the
        # confirm step too (django-import-export only does so on the dry run by default).
        rollback_on_validation_errors = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        instance_loader_class = SheetInstanceLoader

    @classmethod
    def get_result_class(cls):
        return SheetResult

    @classmethod
    def get_error_result_class(cls):
        return ImportRowError

    @classmethod
    def get_column_aliases(cls):
        # In the order of the export, for messages that list the columns.
        names = [name for name in cls._meta.fields or () if name in cls.fields]
        names += [name for name in cls.fields if name not in names]
        columns = [cls.fields[name].column_name for name in names]
        aliases = {column: HEADER_ALIASES.get(column, ()) for column in columns}
        aliases.update(cls.column_aliases)
        return aliases

    def export_field(self, field, instance, **kwargs):
        # Every exported text is shown, never run (portal.safe_cells); the CSV export renders
        # numbers as text, so whether a cell is a number is read from the model's value.
        value = super().export_field(field, instance, **kwargs)
        if isinstance(value, str) and value:
            try:
                raw = field.get_value(instance)
            except (AttributeError, ValueError):  # a column computed by a dehydrate method
                raw = None
            if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
                return value
        return safe_cell(value)

    def import_data(self, dataset, *args, rollback_on_validation_errors=False, **kwargs):
        rollback = rollback_on_validation_errors or getattr(
            self._meta, "rollback_on_validation_errors", False
        )
        return super().import_data(dataset, *args, rollback_on_validation_errors=rollback, **kwargs)

    # The headers

    def before_import(self, dataset, **kwargs):
        self.source_headers = {}
        self._seen_keys = {}
        lookup = {}
        for column, aliases in self.get_column_aliases().items():
            for alias in (column, *aliases):
                lookup.setdefault(normalize(alias), column)

        problems, headers, keep = [], [], []
        for index, header in enumerate(dataset.headers or []):
            text = cell_text(header)
            if not text:
                # A column without a header is harmless when it is empty, as spreadsheets
                # often leave one behind; with data in it, it cannot be read.
                if any(cell_text(row[index]) for row in dataset):
                    problems.append(
                        _("Column %(letter)s has no header but holds data.")
                        % {"letter": get_column_letter(index + 1)}
                    )
                continue
            if normalize(text) in IGNORED_HEADERS:
                continue
            column = lookup.get(normalize(text))
            if column is None:
                problems.append(
                    _("Unknown column “%(header)s”. The columns of this sheet are: %(columns)s.")
                    % {"header": text, "columns": ", ".join(self.get_column_aliases())}
                )
            elif column in self.source_headers:
                problems.append(
                    _("The columns “%(first)s” and “%(second)s” are both “%(column)s”.")
                    % {"first": self.source_headers[column], "second": text, "column": column}
                )
            else:
                self.source_headers[column] = text
            headers.append(column or text)
            keep.append(index)

        for column in self.required_columns:
            if column not in self.source_headers:
                aliases = self.get_column_aliases().get(column, ())
                problems.append(
                    _("Missing column “%(column)s” (it may also be headed: %(aliases)s).")
                    % {"column": column, "aliases": ", ".join(f"“{a}”" for a in aliases)}
                )

        if problems:
            # No row is read from a sheet whose columns are not understood.
            del dataset[0 : len(dataset)]
            raise ImportFileError(problems)
        if len(keep) == len(dataset.headers or []):
            dataset.headers = headers
        else:
            rows = [[row[index] for index in keep] for row in dataset]
            dataset.wipe()
            dataset.headers = headers
            dataset.extend(rows)

    def handle_import_error(self, result, error, raise_errors=False):
        if isinstance(error, ImportFileError) and result is not None and not raise_errors:
            for message in error.messages:
                result.append_base_error(self.get_error_result_class()(ImportFileError([message])))
            return
        super().handle_import_error(result, error, raise_errors)

    def column_label(self, column):
        """The header of a column as the sheet wrote it."""
        if column == NON_FIELD_ERRORS:
            return column
        return getattr(self, "source_headers", {}).get(column, column)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # The preview shows the headers the user wrote.
        result.diff_headers = [self.column_label(column) for column in result.diff_headers]

    # The rows

    def import_row(self, row, instance_loader, **kwargs):
        if not any(cell_text(value) for value in row.values()):
            # Blank lines, which spreadsheets keep at the end, are not rows; skipping them
            # (rather than dropping them) keeps the row numbers of the sheet.
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def before_import_row(self, row, **kwargs):
        self.sheet_row = kwargs.get("row_number", 0) + 1
        self._failed_attributes = set()

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget):
                continue
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                column = getattr(error, "column", None) or field.column_name
                errors.setdefault(column, []).append(str(error))
                self._failed_attributes.add(field.attribute.split("__")[0])
        if not errors:
            self._check_repeated_key(instance, errors)
        if errors:
            raise ValidationError(errors)

    def _check_repeated_key(self, instance, errors):
        # Two rows for one object would silently let the later one win.
        fields = [self.fields[name] for name in self.get_import_id_fields()]
        key = tuple(field.get_value(instance) for field in fields)
        if any(part is None or part == "" for part in key):
            return
        first_row = self._seen_keys.setdefault(key, self.sheet_row)
        if first_row == self.sheet_row:
            return
        if len(fields) == 1:
            errors[fields[0].column_name] = [
                _("row %(row)s has the same value") % {"row": first_row}
            ]
        else:
            columns = get_text_list(
                [f"“{self.column_label(field.column_name)}”" for field in fields], _("and")
            )
            errors[NON_FIELD_ERRORS] = [
                _("row %(row)s has the same %(columns)s") % {"row": first_row, "columns": columns}
            ]

    def _column_of(self, model_field_name):
        for field in self.fields.values():
            if field.attribute == model_field_name and not field.readonly:
                return field.column_name
        return None

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = {}
        for column, messages in (import_validation_errors or {}).items():
            errors.setdefault(column, []).extend(ValidationError(messages).messages)
        if self._meta.clean_model_instances:
            try:
                instance.full_clean(
                    exclude=self._failed_attributes, validate_unique=validate_unique
                )
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    column = self._column_of(name)
                    if column is None and name != NON_FIELD_ERRORS:
                        verbose_name = instance._meta.get_field(name).verbose_name
                        messages = [f"{verbose_name}: {message}" for message in messages]
                    errors.setdefault(column or NON_FIELD_ERRORS, []).extend(messages)
        if errors:
            # Keyed by the header as written, which the admin shows beside the messages.
            raise ValidationError(
                {
                    self.column_label(column): [self.cell_message(column, m) for m in messages]
                    for column, messages in errors.items()
                }
            )

    def cell_message(self, column, reason):
        if column == NON_FIELD_ERRORS:
            return _("Row %(row)s: %(reason)s") % {"row": self.sheet_row, "reason": reason}
        return _("Row %(row)s, column “%(column)s”: %(reason)s") % {
            "row": self.sheet_row,
            "column": self.column_label(column),
            "reason": reason,
        }


class StudentResource(AcademicResource):
    record_book = Field("record_book", "record_book", widget=TextWidget())
    full_name = Field("full_name", "full_name", widget=TextWidget())
    group = Field("group", "group", widget=StudyGroupWidget())
    # Read by the group's widget on import; exported so that the file names the group fully.
    academic_year = Field(
        "group__academic_year", "academic_year", widget=AcademicYearWidget(), readonly=True
    )
    funding = Field("funding", "funding", widget=ChoiceWidget(Funding))
    # A blank cell in these keeps the default for a new student and the value of a known one.
    foreign = Field("foreign", "foreign", widget=YesNoWidget(), saves_null_values=False)
    status = Field(
        "status",
        "status",
        widget=ChoiceWidget(StudentStatus, required=False),
        saves_null_values=False,
    )

    required_columns = ("record_book", "full_name", "group", "academic_year", "funding")

    class Meta:
        model = Student
        fields = ("record_book", "full_name", "group", "academic_year", "funding", "foreign")
        fields += ("status",)
        import_id_fields = ("record_book",)
        name = _("Students")

    def get_queryset(self):
        return super().get_queryset().select_related("group__academic_year")


class StudyGroupResource(AcademicResource):
    academic_year = Field("academic_year", "academic_year", widget=AcademicYearWidget())
    name = Field("name", "name", widget=TextWidget())
    program = Field("program", "program_code", widget=ProgramWidget())
    # Read by the program's widget on import.
    program_name = Field("program__name", "program_name", widget=TextWidget(), readonly=True)
    level = Field("program__level", "level", widget=ChoiceWidget(Level), readonly=True)
    form = Field("program__form", "form", widget=ChoiceWidget(StudyForm), readonly=True)
    year_of_study = Field(
        "year_of_study", "year_of_study", widget=IntegerWidget(min_value=1, max_value=6)
    )

    required_columns = ("academic_year", "name", "program_code", "level", "form", "year_of_study")
    # "name" here is the group's name, which sheets head as the group.
    column_aliases = {
        "name": ("Тайпа", "Тайпанын аталышы", "Группа", "Название группы", "group"),
    }

    class Meta:
        model = StudyGroup
        fields = ("academic_year", "name", "program", "program_name", "level", "form")
        fields += ("year_of_study",)
        import_id_fields = ("academic_year", "name")
        name = _("Study groups")

    def get_queryset(self):
        return super().get_queryset().select_related("academic_year", "program")


class StaffMemberResource(AcademicResource):
    personnel_number = Field("personnel_number", "personnel_number", widget=TextWidget())
    full_name = Field("full_name", "full_name", widget=TextWidget())
    department = Field("department", "department", widget=DepartmentWidget())
    position = Field("position", "position", widget=ChoiceWidget(Position))
    degree = Field(
        "degree", "degree", widget=ChoiceWidget(Degree, required=False), saves_null_values=False
    )
    title = Field(
        "title", "title", widget=ChoiceWidget(Title, required=False), saves_null_values=False
    )
    employment = Field(
        "employment",
        "employment",
        widget=ChoiceWidget(Employment, required=False),
        saves_null_values=False,
    )
    # The bounds of the database constraint, checked here to say them in words.
    rate = Field(
        "rate",
        "rate",
        widget=DecimalWidget(min_value=Decimal("0.05"), max_value=Decimal("1.50")),
        saves_null_values=False,
    )

    required_columns = ("personnel_number", "full_name", "department", "position")

    class Meta:
        model = StaffMember
        fields = ("personnel_number", "full_name", "department", "position", "degree", "title")
        fields += ("employment", "rate")
        import_id_fields = ("personnel_number",)
        name = _("Teaching staff")

    def get_queryset(self):
        return super().get_queryset().select_related("department")


class TeachingLoadResource(AcademicResource):
    department = Field("department", "department", widget=DepartmentWidget())
    academic_year = Field("academic_year", "academic_year", widget=AcademicYearWidget())
    term = Field("term", "term", widget=ChoiceWidget(Term))
    level = Field("level", "level", widget=ChoiceWidget(LoadLevel))
    planned_hours = Field("planned_hours", "planned_hours", widget=IntegerWidget(min_value=0))
    performed_hours = Field(
        "performed_hours",
        "performed_hours",
        widget=IntegerWidget(min_value=0, required=False),
        saves_null_values=False,
    )
    reason = Field("reason", "reason", widget=TextWidget())

    required_columns = ("department", "academic_year", "term", "level", "planned_hours")

    class Meta:
        model = TeachingLoad
        fields = ("department", "academic_year", "term", "level", "planned_hours")
        fields += ("performed_hours", "reason")
        import_id_fields = ("department", "academic_year", "term", "level")
        name = _("Teaching loads")

    def get_queryset(self):
        return super().get_queryset().select_related("department", "academic_year")
