"""Spreadsheet imports through the admin: preview, confirm, languages, errors, round trips."""

import csv
import html
import io
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.tmp_storages import TempFolderStorage

from academics.choices import (
    Degree,
    Employment,
    Funding,
    Level,
    LoadLevel,
    Position,
    StudentStatus,
    StudyForm,
    Title,
)
from academics.models import Program, StaffMember, Student, StudyGroup, TeachingLoad
from academics.resources import (
    HEADER_ALIASES,
    StaffMemberResource,
    StudentResource,
    StudyGroupResource,
    TeachingLoadResource,
)
from academics.widgets import CHOICE_ALIASES, ChoiceWidget, normalize
from tests import factories as f

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Building files and driving the admin


def xlsx_file(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_file(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def read_xlsx(content):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def client(admin_client):
    # English messages whatever the locale files say.
    admin_client.cookies["portal_language"] = "en"
    return admin_client


def format_index(form, title):
    return next(value for value, label in form.fields["format"].choices if label == title)


def preview(client, model, content, filename="data.xlsx"):
    """The import page, then the dry run of the uploaded file."""
    url = reverse(f"admin:academics_{model}_import")
    page = client.get(url)
    assert page.status_code == 200
    title = "xlsx" if filename.endswith(".xlsx") else "csv"
    response = client.post(
        url,
        {
            "resource": "0",
            "format": format_index(page.context["form"], title),
            "import_file": SimpleUploadedFile(filename, content),
        },
    )
    assert response.status_code == 200
    return response


class HiddenInputs(HTMLParser):
    """The hidden fields of the preview's confirm form, as a browser would send them."""

    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        elif tag == "input" and self.inside and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def confirm(client, model, preview_response):
    action = reverse(f"admin:academics_{model}_process_import")
    parser = HiddenInputs(action)
    parser.feed(preview_response.content.decode())
    assert {"import_file_name", "format"} <= set(parser.fields), "no confirm form in the preview"
    return client.post(action, parser.fields)


def import_file(client, model, content, filename="data.xlsx"):
    response = preview(client, model, content, filename)
    result = response.context["result"]
    assert not result.has_errors(), [e.error for e in result.base_errors]
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    done = confirm(client, model, response)
    assert done.status_code == 302
    assert done.url == reverse(f"admin:academics_{model}_changelist")
    return response


def force_confirm(client, model, content, filename="data.xlsx"):
    """Posts straight to the confirm step, as if the preview had been bypassed."""
    storage = TempFolderStorage(read_mode="rb")
    storage.save(content)
    page = client.get(reverse(f"admin:academics_{model}_import"))
    title = "xlsx" if filename.endswith(".xlsx") else "csv"
    return client.post(
        reverse(f"admin:academics_{model}_process_import"),
        {
            "import_file_name": storage.name,
            "original_file_name": filename,
            "format": format_index(page.context["form"], title),
            "resource": "0",
        },
    )


def text(response):
    return html.unescape(response.content.decode())


def export(client, model, resource, title="xlsx"):
    url = reverse(f"admin:academics_{model}_export")
    page = client.get(url)
    assert page.status_code == 200
    data = {"resource": "0", "format": format_index(page.context["form"], title)}
    for field in resource().get_export_order():
        data[f"{resource.__name__.lower()}_{field}"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    return response.content


# The data the files refer to


@pytest.fixture
def structure():
    year = f.academic_year(2023)
    faculty = f.faculty(name="Faculty of Informatics", short_name="FI")
    department = f.department(faculty=faculty, name="Программалык инженерия кафедрасы")
    f.department(faculty=faculty, name="Математика кафедрасы", kind="service")
    day = f.program(
        faculty=faculty,
        department=department,
        code="710400",
        name="Программалык инженерия",
        level=Level.BACHELOR,
        form=StudyForm.DAY,
    )
    f.program(
        faculty=faculty,
        department=department,
        code="710400",
        name="Программалык инженерия",
        level=Level.BACHELOR,
        form=StudyForm.EXTRAMURAL,
    )
    f.program(faculty=faculty, code="", name="Python", level=Level.SHORT_COURSE, form=StudyForm.DAY)
    f.group(program=day, academic_year=year, name="ПИ-1-23")
    f.group(program=day, academic_year=year, name="ПИ-2-23")
    # The same name a year earlier: the year column picks the group.
    f.group(program=day, academic_year=f.academic_year(2022), name="ПИ-1-23")
    return {"year": year, "department": department, "program": day}


STUDENT_HEADERS = ["record_book", "full_name", "group", "academic_year", "funding", "foreign"]
STUDENT_ROWS = [
    STUDENT_HEADERS,
    ["230001", "Асанов Бакыт", "ПИ-1-23", "2023-2024", "contract", "no"],
]


# Importing


def test_students_preview_then_confirm(client, structure):
    content = xlsx_file(
        [
            STUDENT_HEADERS + ["status"],
            ["230001", "Асанов Бакыт", "ПИ-1-23", "2023-2024", "contract", "no", "studying"],
            ["230002", "Орозова Айгерим", "ПИ-2-23", "2023-2024", "budget", "yes", ""],
        ]
    )

    response = preview(client, "student", content)

    result = response.context["result"]
    assert [row.import_type for row in result.valid_rows()] == ["new", "new"]
    assert "Асанов Бакыт" in text(response) and "Орозова Айгерим" in text(response)
    assert Student.objects.count() == 0, "the preview writes nothing"

    done = confirm(client, "student", response)

    assert done.status_code == 302
    first = Student.objects.get(record_book="230001")
    assert first.group.academic_year.start_year == 2023 and first.group.name == "ПИ-1-23"
    assert (first.funding, first.foreign, first.status) == ("contract", False, "studying")
    second = Student.objects.get(record_book="230002")
    assert (second.funding, second.foreign, second.status) == ("budget", True, "studying")
    assert LogEntry.objects.filter(object_repr__contains="Асанов").exists()


def test_students_with_kyrgyz_headers_and_labels(client, structure):
    content = xlsx_file(
        [
            [
                "Зачеттук китепченин №",
                "Аты-жөнү",
                " тайпа ",
                "Окуу жылы",
                "Окуу негизи",
                "Чет өлкөлүк",
                "Абалы",
            ],
            ["230001", "Асанов Бакыт", "ПИ-1-23", "2023-2024", "Контракттык", "жок", "окуйт"],
            [
                230002,
                "Орозова Айгерим",
                "ПИ-2-23",
                "2023-2024",
                "бюджеттик",
                "Ооба",
                "академиялык өргүү",
            ],
        ]
    )

    import_file(client, "student", content)

    assert Student.objects.get(record_book="230001").funding == Funding.CONTRACT
    second = Student.objects.get(record_book="230002")
    assert (second.funding, second.foreign, second.status) == (
        Funding.BUDGET,
        True,
        StudentStatus.ACADEMIC_LEAVE,
    )


def test_students_with_russian_headers_and_labels(client, structure):
    content = xlsx_file(
        [
            ["Номер зачетки", "ФИО", "Группа", "Учебный год", "Основа обучения", "Иностранный"],
            ["230001", "Асанов Бакыт", "ПИ-1-23", "2023/2024", "КОНТРАКТ", "да"],
            ["230002", "Орозова Айгерим", "ПИ-1-23", "2023-2024", "бюджет", "нет"],
        ]
    )

    import_file(client, "student", content)

    assert Student.objects.get(record_book="230001").funding == Funding.CONTRACT
    assert Student.objects.get(record_book="230001").foreign is True
    assert Student.objects.get(record_book="230002").funding == Funding.BUDGET


def test_study_groups_with_russian_headers(client, structure):
    content = xlsx_file(
        [
            ["Учебный год", "Группа", "Шифр", "Название программы", "Уровень", "Форма обучения"]
            + ["Курс"],
            ["2024-2025", "ПИ-1-24", "710400", "", "бакалавр", "очная", 1],
            ["2024-2025", "ПИз-1-24", 710400, "", "Бакалавр", "заочная", "1"],
            ["2024-2025", "Python-1", "", "Python", "краткосрочный курс", "очная", 1],
        ]
    )
    f.academic_year(2024)

    import_file(client, "studygroup", content)

    groups = {g.name: g for g in StudyGroup.objects.filter(academic_year__start_year=2024)}
    assert groups["ПИ-1-24"].form == StudyForm.DAY
    assert groups["ПИз-1-24"].form == StudyForm.EXTRAMURAL
    assert groups["Python-1"].program.level == Level.SHORT_COURSE


def test_staff_from_csv_with_russian_headers(client, structure):
    content = csv_file(
        [
            ["Табельный номер", "ФИО", "Кафедра", "Должность", "Учёная степень", "Учёное звание"]
            + ["Вид занятости", "Ставка"],
            ["T001", "Исаков Нурлан", "Программалык инженерия кафедрасы", "доцент"]
            + ["кандидат наук", "доцент", "штатный", "1"],
            ["T002", "Петрова Анна", "Программалык инженерия кафедрасы", "ст. преподаватель"]
            + ["", "", "совместитель", "0,5"],
        ]
    )

    import_file(client, "staffmember", content, "staff.csv")

    first = StaffMember.objects.get(personnel_number="T001")
    assert (first.position, first.degree, first.title) == (
        Position.DOCENT,
        Degree.CANDIDATE,
        Title.DOCENT,
    )
    second = StaffMember.objects.get(personnel_number="T002")
    assert (second.position, second.degree, second.employment, second.rate) == (
        Position.SENIOR_LECTURER,
        Degree.NONE,
        Employment.PART_TIME,
        Decimal("0.50"),
    )


def test_teaching_loads_with_kyrgyz_headers(client, structure):
    content = xlsx_file(
        [
            ["Кафедра", "Окуу жылы", "Семестр", "Деңгээл", "Пландалган саат", "Аткарылган саат"]
            + ["Себеби"],
            ["Программалык инженерия кафедрасы", "2023-2024", "I", "жогорку кесиптик"]
            + [12000, 12150, "кошумча сабактар"],
            ["Программалык инженерия кафедрасы", "2023-2024", "II", "орто кесиптик"]
            + ["1 200", "", ""],
        ]
    )

    import_file(client, "teachingload", content)

    first = TeachingLoad.objects.get(term=1)
    assert (first.level, first.planned_hours, first.performed_hours) == (
        LoadLevel.HIGHER,
        12000,
        12150,
    )
    assert first.difference == 150
    second = TeachingLoad.objects.get(term=2)
    assert (second.level, second.planned_hours, second.performed_hours) == (
        LoadLevel.SECONDARY,
        1200,
        0,
    )


def test_a_changed_row_updates_and_an_unchanged_one_is_skipped(client, structure):
    group = StudyGroup.objects.get(name="ПИ-1-23", academic_year=structure["year"])
    f.student(record_book="230001", full_name="Асанов Бакыт", group=group, funding="contract")
    f.student(record_book="230002", full_name="Орозова Айгерим", group=group, funding="budget")
    content = xlsx_file(
        [
            STUDENT_HEADERS + ["status"],
            ["230001", "Асанов Бакыт", "ПИ-1-23", "2023-2024", "contract", "0", "expelled"],
            ["230002", "Орозова Айгерим", "ПИ-1-23", "2023-2024", "budget", "0", "studying"],
        ]
    )

    response = import_file(client, "student", content)

    types = [row.import_type for row in response.context["result"].valid_rows()]
    assert types == ["update", "skip"]
    assert Student.objects.get(record_book="230001").status == StudentStatus.EXPELLED


# Errors


def bad_students_file():
    return xlsx_file(
        [
            ["Зачеттук китепченин №", "Аты-жөнү", "Тайпа", "Окуу жылы", "Окуу негизи"],
            ["230001", "Асанов Бакыт", "ПИ-1-23", "2023-2024", "контракт"],
            ["230002", "Орозова Айгерим", "ПИ-1-23", "2023-2024", "бюджет"],
            ["230003", "Токтогулов Эрлан", "ПИ-2-23", "2023-2024", "контракт"],
            ["230004", "Садыкова Жылдыз", "ПИ-9-23", "2023-2024", "контракт"],
            ["230005", "Маматов Азамат", "ПИ-2-23", "2023-2024", "бюджет"],
        ]
    )


BAD_GROUP = "Row 5, column “Тайпа”: no study group “ПИ-9-23” in 2023-2024"


def test_one_bad_row_stops_the_preview(client, structure):
    response = preview(client, "student", bad_students_file())

    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [5]
    assert BAD_GROUP in text(response)
    assert "<td>5 </td>" in response.content.decode(), "the admin's Row column: Excel numbering"
    assert "process_import" not in response.content.decode(), "no confirm button"
    assert Student.objects.count() == 0


def test_one_bad_row_stops_a_forced_confirm(client, structure):
    response = force_confirm(client, "student", bad_students_file())

    assert response.status_code == 200, "an error page, not the redirect of a finished import"
    assert BAD_GROUP in text(response)
    assert "Nothing was imported" in text(response)
    assert Student.objects.count() == 0
    assert not LogEntry.objects.exists()

    # The error page's upload form posts to its own address: it must work from there too.
    again = client.post(
        reverse("admin:academics_student_process_import"),
        {
            "resource": "0",
            "format": format_index(response.context["form"], "xlsx"),
            "import_file": SimpleUploadedFile("fixed.xlsx", xlsx_file(STUDENT_ROWS)),
        },
    )
    assert again.status_code == 200
    assert [row.import_type for row in again.context["result"].rows] == ["new"]
    assert confirm(client, "student", again).status_code == 302
    assert Student.objects.count() == 1


def test_several_bad_cells_are_all_reported(client, structure):
    content = xlsx_file(
        [
            STUDENT_HEADERS,
            ["230001", "Асанов Бакыт", "ПИ-1-23", "2023-2024", "contract", "no"],
            ["230002", "", "ПИ-1-23", "2023-2024", "гранд", "maybe"],
            ["230003", "Токтогулов Эрлан", "ПИ-2-23", "2023", "contract", "no"],
        ]
    )

    response = preview(client, "student", content)

    page = text(response)
    assert "Row 3, column “full_name”: This field cannot be blank." in page
    assert "Row 3, column “funding”: “гранд” is not one of: budget, contract" in page
    assert "Row 3, column “foreign”: “maybe” is neither yes nor no" in page
    assert "Row 4, column “academic_year”: “2023” is not an academic year" in page
    assert Student.objects.count() == 0


def test_an_unknown_department_in_the_key_is_a_row_error(client, structure):
    content = xlsx_file(
        [
            ["department", "academic_year", "term", "level", "planned_hours"],
            ["Программалык инженерия кафедрасы", "2023-2024", 1, "higher", 100],
            ["Физика кафедрасы", "2023-2024", 1, "higher", 100],
            ["Программалык инженерия кафедрасы", "2019-2020", 2, "higher", 100],
        ]
    )

    response = preview(client, "teachingload", content)

    result = response.context["result"]
    assert not result.has_errors(), "a validation error, not a crash"
    page = text(response)
    assert "Row 3, column “department”: no department “Физика кафедрасы”" in page
    assert (
        "Row 4, column “academic_year”: there is no academic year 2019-2020 in the portal" in page
    )
    assert TeachingLoad.objects.count() == 0


def test_an_unknown_program_is_a_row_error(client, structure):
    content = xlsx_file(
        [
            ["academic_year", "name", "program_code", "level", "form", "year_of_study"],
            ["2023-2024", "ПИ-3-23", "710400", "master", "day", 1],
            ["2023-2024", "ПИ-4-23", "710400", "bachelor", "вечерняя", 1],
            ["2023-2024", "ПИ-5-23", "710400", "bachelor", "day", 7],
        ]
    )

    response = preview(client, "studygroup", content)

    page = text(response)
    assert (
        "Row 2, column “program_code”: no program “710400” at the level “master” "
        "in the form “day”" in page
    )
    assert "Row 3, column “form”: “вечерняя” is not one of: day, extramural" in page
    assert "Row 4, column “year_of_study”: 7 is out of range: it must be from 1 to 6" in page
    assert StudyGroup.objects.count() == 3


def test_the_same_key_twice_is_an_error(client, structure):
    content = xlsx_file(
        [
            ["Кафедра", "Окуу жылы", "Семестр", "Деңгээл", "Пландалган саат"],
            ["Программалык инженерия кафедрасы", "2023-2024", "I", "higher", 100],
            ["Программалык инженерия кафедрасы", "2023-2024", "1", "higher", 200],
        ]
    )

    response = preview(client, "teachingload", content)

    same = "Row 3: row 2 has the same “Кафедра”, “Окуу жылы”, “Семестр” and “Деңгээл”"
    assert same in text(response)
    assert TeachingLoad.objects.count() == 0


def test_blank_lines_are_skipped_and_keep_the_numbering(client, structure):
    content = xlsx_file(
        [
            STUDENT_HEADERS,
            ["230001", "Асанов Бакыт", "ПИ-1-23", "2023-2024", "contract", "no"],
            [None] * 6,
            ["230002", "Орозова Айгерим", "ПИ-1-23", "2023-2024", "stipend", "no"],
        ]
    )

    response = preview(client, "student", content)

    assert "Row 4, column “funding”: “stipend” is not one of" in text(response)


def test_an_unknown_header_is_named_and_nothing_is_read(client, structure):
    content = xlsx_file(
        [
            STUDENT_HEADERS + ["Телефон"],
            ["230001", "Асанов Бакыт", "ПИ-1-23", "2023-2024", "contract", "no", "0555"],
        ]
    )

    response = preview(client, "student", content)

    result = response.context["result"]
    assert [str(error.error) for error in result.base_errors] == [
        "Unknown column “Телефон”. The columns of this sheet are: record_book, full_name, "
        "group, academic_year, funding, foreign, status."
    ]
    assert result.rows == []
    assert "Traceback" not in text(response)
    assert Student.objects.count() == 0


def test_a_missing_column_is_named(client, structure):
    content = xlsx_file(
        [
            ["Аты-жөнү", "Тайпа", "Окуу жылы", "Окуу негизи"],
            ["Асанов Бакыт", "ПИ-1-23", "2023-2024", "contract"],
        ]
    )

    response = preview(client, "student", content)

    errors = [str(error.error) for error in response.context["result"].base_errors]
    assert len(errors) == 1
    assert errors[0].startswith("Missing column “record_book” (it may also be headed:")
    assert "“Зачеттук китепченин №”" in errors[0]
    assert "Missing column “record_book”" in text(response)


def test_a_header_written_twice_is_an_error(client, structure):
    content = xlsx_file(
        [
            STUDENT_HEADERS + ["ФИО"],
            ["230001", "Асанов Бакыт", "ПИ-1-23", "2023-2024", "contract", "no", "x"],
        ]
    )

    response = preview(client, "student", content)

    assert "The columns “full_name” and “ФИО” are both “full_name”." in text(response)


def test_an_empty_column_without_header_and_a_running_number_are_ignored(client, structure):
    content = xlsx_file(
        [
            ["№ п/п"] + STUDENT_HEADERS + [None],
            [1, "230001", "Асанов Бакыт", "ПИ-1-23", "2023-2024", "contract", "no", None],
        ]
    )

    import_file(client, "student", content)

    assert Student.objects.filter(record_book="230001").exists()


def test_a_column_with_data_but_no_header_is_an_error(client, structure):
    content = xlsx_file(
        [
            STUDENT_HEADERS + [None],
            ["230001", "Асанов Бакыт", "ПИ-1-23", "2023-2024", "contract", "no", "?"],
        ]
    )

    response = preview(client, "student", content)

    assert "Column G has no header but holds data." in text(response)
    assert Student.objects.count() == 0


# Round trips


def make_rows(structure):
    year, department = structure["year"], structure["department"]
    group = StudyGroup.objects.get(name="ПИ-1-23", academic_year=year)
    f.student(record_book="230001", full_name="Асанов Бакыт", group=group, foreign=True)
    f.student(
        record_book="230002",
        full_name="Орозова Айгерим",
        group=group,
        funding="budget",
        status="academic_leave",
    )
    f.staff_member(department=department, degree="candidate", rate=Decimal("0.25"))
    f.staff_member(department=department, position="professor", rate=Decimal("1.5"))
    f.teaching_load(department=department, academic_year=year)
    f.teaching_load(
        department=department,
        academic_year=year,
        term=2,
        level=LoadLevel.SECONDARY,
        planned_hours=900,
        performed_hours=850,
        reason="оорулуу болгон",
    )
    short_course = Program.objects.get(code="", name="Python")
    f.group(program=short_course, academic_year=year, name="Python-1")


@pytest.mark.parametrize(
    ("model", "resource", "title"),
    [
        ("student", StudentResource, "xlsx"),
        ("student", StudentResource, "csv"),
        ("studygroup", StudyGroupResource, "xlsx"),
        ("staffmember", StaffMemberResource, "xlsx"),
        ("staffmember", StaffMemberResource, "csv"),
        ("teachingload", TeachingLoadResource, "xlsx"),
        ("teachingload", TeachingLoadResource, "csv"),
    ],
)
def test_an_export_reimports_unchanged(client, structure, model, resource, title):
    make_rows(structure)
    model_class = resource._meta.model
    before = list(model_class.objects.order_by("pk").values())

    content = export(client, model, resource, title)
    if title == "xlsx":
        headers = read_xlsx(content)[0]
        order = resource().get_export_order()
        assert headers == [resource.fields[name].column_name for name in order]
        assert "id" not in headers, "natural keys only"
    else:
        assert content.startswith("\ufeff".encode()), "Excel needs the BOM to read UTF-8"
    response = import_file(client, model, content, f"export.{title}")

    types = {row.import_type for row in response.context["result"].rows}
    assert types == {"skip"}
    assert list(model_class.objects.order_by("pk").values()) == before


def test_export_writes_stored_values(client, structure):
    make_rows(structure)

    rows = read_xlsx(export(client, "student", StudentResource))

    assert rows[0] == STUDENT_HEADERS + ["status"]
    assert sorted(rows[1:]) == [
        ["230001", "Асанов Бакыт", "ПИ-1-23", "2023-2024", "contract", True, "studying"],
        ["230002", "Орозова Айгерим", "ПИ-1-23", "2023-2024", "budget", False, "academic_leave"],
    ]


# The vocabularies


@pytest.mark.parametrize("choices", list(CHOICE_ALIASES))
def test_each_label_names_one_value(choices):
    lookup = ChoiceWidget(choices).lookup()  # raises if a label names two values

    for value in choices.values:
        assert lookup[normalize(value)] == value
    for value, aliases in CHOICE_ALIASES[choices].items():
        for alias in aliases:
            assert lookup[normalize(alias)] == value


def test_each_header_names_one_column():
    for resource in (StudentResource, StudyGroupResource, StaffMemberResource):
        seen = {}
        for column, aliases in resource.get_column_aliases().items():
            for alias in (column, *aliases):
                assert seen.setdefault(normalize(alias), column) == column, alias
    assert set(HEADER_ALIASES) >= set(TeachingLoadResource.get_column_aliases())
