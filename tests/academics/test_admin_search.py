"""The admin's search (portal.admin_search.FoldedSearchAdmin) finds Cyrillic names whatever the
letter case and with ң ө ү ё typed as н о у е, on SQLite as on PostgreSQL: in the change lists,
the autocomplete pickers, and only within the user's faculty."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from academics import roles
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(admin_client):
    admin_client.cookies["portal_language"] = "en"
    return admin_client


def _listed(client, model, typed):
    page = client.get(reverse(f"admin:academics_{model}_changelist"), {"q": typed})
    assert page.status_code == 200
    return page.context["cl"].result_list


def test_a_student_is_found_in_lower_case_and_by_russian_letters(client):
    group = f.group(name="ПИ-1-23")
    f.student(full_name="Эргешова Айгүл", group=group)
    f.student(full_name="Өмүрбеков Нурлан", group=group)
    f.student(full_name="Асанов Бакыт", group=f.group(name="ЭК-2-23"))

    assert [s.full_name for s in _listed(client, "student", "эргешова")] == ["Эргешова Айгүл"]
    assert [s.full_name for s in _listed(client, "student", "ОМУРБЕКОВ")] == ["Өмүрбеков Нурлан"]
    # Every word must match, in any of the search fields (the group's name here).
    found = _listed(client, "student", "пи-1 айгул")
    assert [s.full_name for s in found] == ["Эргешова Айгүл"]
    assert list(_listed(client, "student", "иванов")) == []


def test_groups_and_disciplines_are_found_in_any_letter_case(client):
    f.group(name="ПИ-1-23")
    f.discipline(name="Жогорку математика")
    assert [g.name for g in _listed(client, "studygroup", "пи-1")] == ["ПИ-1-23"]
    assert [d.name for d in _listed(client, "discipline", "МАТЕМАТИКА")] == ["Жогорку математика"]


def test_the_autocomplete_finds_a_group_typed_in_lower_case(client):
    f.group(name="ӨТ-1-23")
    answer = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "от-1",
            "app_label": "academics",
            "model_name": "student",
            "field_name": "group",
        },
    )
    assert [row["text"] for row in json.loads(answer.content)["results"]] == ["ӨТ-1-23"]


def test_a_deans_office_finds_no_student_of_another_faculty():
    it, eco = f.faculty(), f.faculty()
    f.student(full_name="Эргешова Айгүл", group=f.group(program=f.program(faculty=it)))
    f.student(full_name="Эргешов Бакыт", group=f.group(program=f.program(faculty=eco)))
    dean = f.user(role=roles.DEAN_OFFICE, faculty=it, is_staff=True)
    assert dean.has_perm("academics.view_student")
    client = Client()
    client.force_login(dean)
    client.cookies["portal_language"] = "en"
    assert [s.full_name for s in _listed(client, "student", "эргешов")] == ["Эргешова Айгүл"]
