"""The admin of the academic structure: change lists, their queries, forms and autocompletes."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academics.choices import LoadLevel, StudyForm
from academics.models import (
    AcademicYear,
    Department,
    Discipline,
    Faculty,
    Program,
    StaffMember,
    Student,
    StudyGroup,
    TeachingLoad,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

MODELS = [
    AcademicYear,
    Faculty,
    Department,
    Program,
    StudyGroup,
    Student,
    Discipline,
    StaffMember,
    TeachingLoad,
]


@pytest.fixture
def client(admin_client):
    admin_client.cookies["portal_language"] = "en"
    return admin_client


def make(model, n):
    """n rows of a model, each with its own related rows, so that N+1 queries would show."""
    for i in range(n):
        if model is AcademicYear:
            f.academic_year(2000 + i)
        elif model is Faculty:
            f.faculty()
        elif model is Department:
            f.department()
        elif model is Program:
            f.program(department=f.department())
        elif model is StudyGroup:
            f.student(group=f.group(academic_year=f.academic_year(2000 + i)))
        elif model is Student:
            f.student(group=f.group(academic_year=f.academic_year(2000 + i)))
        elif model is Discipline:
            f.discipline(department=f.department())
        elif model is StaffMember:
            f.staff_member()
        elif model is TeachingLoad:
            f.teaching_load(academic_year=f.academic_year(2000 + i))


def changelist(model):
    return reverse(f"admin:academics_{model._meta.model_name}_changelist")


def test_every_model_is_registered():
    for model in MODELS:
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_renders(client, model):
    make(model, 3)

    response = client.get(changelist(model))

    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count() >= 3


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_queries_do_not_grow_with_rows(client, model):
    make(model, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(changelist(model)).status_code == 200
    make(model, 4)
    with CaptureQueriesContext(connection) as more:
        assert client.get(changelist(model)).status_code == 200

    assert len(more) == len(few), [q["sql"] for q in more.captured_queries]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_search_and_add_form(client, model):
    make(model, 2)

    assert client.get(changelist(model), {"q": "1"}).status_code == 200
    add = client.get(reverse(f"admin:academics_{model._meta.model_name}_add"))
    assert add.status_code == 200


def test_every_foreign_key_autocompletes():
    for model in MODELS:
        model_admin = admin.site.get_model_admin(model)
        foreign_keys = {
            field.name for field in model._meta.get_fields() if field.many_to_one and field.concrete
        }
        assert foreign_keys == set(model_admin.autocomplete_fields), model


def test_study_group_list_shows_form_faculty_and_students(client):
    faculty = f.faculty(name="Faculty of Economics")
    program = f.program(faculty=faculty, form=StudyForm.EXTRAMURAL)
    group = f.group(program=program, name="ЭКз-1-23")
    f.student(group=group)
    f.student(group=group)

    response = client.get(changelist(StudyGroup))

    row = response.context["cl"].result_list[0]
    model_admin = response.context["cl"].model_admin
    assert model_admin.study_form(row) == "extramural"
    assert str(model_admin.faculty(row)) == "Faculty of Economics"
    assert model_admin.students_count(row) == 2
    content = response.content.decode()
    assert "extramural" in content and "Faculty of Economics" in content


def test_study_groups_filter_by_form_and_faculty(client):
    day = f.group(program=f.program(form=StudyForm.DAY), name="D-1")
    f.group(program=f.program(form=StudyForm.EXTRAMURAL), name="E-1")

    response = client.get(changelist(StudyGroup), {"program__form": "day"})
    assert [g.name for g in response.context["cl"].result_list] == ["D-1"]

    faculty_id = day.program.faculty_id
    response = client.get(changelist(StudyGroup), {"program__faculty__id__exact": faculty_id})
    assert [g.name for g in response.context["cl"].result_list] == ["D-1"]


def test_teaching_load_list_shows_the_difference(client):
    department = f.department(name="Физика кафедрасы")
    f.teaching_load(department=department, planned_hours=1000, performed_hours=1030)
    f.teaching_load(
        department=department,
        level=LoadLevel.SECONDARY,
        planned_hours=500,
        performed_hours=480,
    )

    response = client.get(changelist(TeachingLoad), {"o": "7"})

    model_admin = response.context["cl"].model_admin
    differences = [model_admin.difference(load) for load in response.context["cl"].result_list]
    assert differences == ["-20", "+30"], "sorted by the difference"
    content = response.content.decode()
    assert "+30" in content and "-20" in content and "1030" in content


def autocomplete(client, model, field, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "academics",
            "model_name": model._meta.model_name,
            "field_name": field,
            "term": term,
        },
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_autocomplete_finds_groups_for_students(client):
    f.group(name="ПИ-1-23")
    f.group(name="ПИ-2-23")
    f.group(name="ЭК-1-23")

    assert sorted(autocomplete(client, Student, "group", "ПИ")) == ["ПИ-1-23", "ПИ-2-23"]


def test_autocomplete_finds_a_year_by_its_name(client):
    f.academic_year(2022)
    f.academic_year(2023)

    assert autocomplete(client, StudyGroup, "academic_year", "2023-2024") == ["2023-2024"]
    assert autocomplete(client, TeachingLoad, "academic_year", "2022") == ["2022-2023"]


def test_autocomplete_finds_departments_programs_and_faculties(client):
    department = f.department(name="Программалык инженерия кафедрасы")
    f.program(code="710400", name="Программалык инженерия", department=department)

    assert autocomplete(client, StaffMember, "department", "инженерия") == [department.name]
    assert autocomplete(client, StudyGroup, "program", "710400") == [
        "710400 Программалык инженерия (bachelor, day)"
    ]
    assert autocomplete(client, Department, "faculty", department.faculty.name) == [
        str(department.faculty)
    ]
    assert autocomplete(client, Program, "department", "инженерия") == [department.name]
