"""Faculty scope on every browsing and admission page, for every role, and on the exam records'
querysets (Model.objects.for_user).

A dean's office works on its own faculty only: another faculty's group is not found (404), on a
GET as on a POST, and nothing is written. The vice-rector and the academic department read
everything and change nothing (403 on a POST). Anonymous visitors are sent to the login page.
"""

import pytest
from django.test import Client
from django.urls import reverse

from academics import roles
from sessions_app import services
from sessions_app.choices import Attempt
from sessions_app.models import (
    Admission,
    AdmissionChange,
    Assessment,
    AttestationEntry,
    Grade,
    GradeChange,
    GradeSheet,
    SheetEvent,
    StateAttestation,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


# name, URL name, stage, method; group pages take the target faculty's group
PAGES = [
    ("session_list", "session_list", None, "get"),
    ("session_detail", "session_detail", None, "get"),
    ("group_detail", "group_detail", None, "get"),
    ("admission_main_get", "admission", "main", "get"),
    ("admission_main_post", "admission", "main", "post"),
    ("admission_retake_get", "admission", "retake", "get"),
    ("admission_retake_post", "admission", "retake", "post"),
]
GROUP_PAGES = {"group_detail", "admission"}

# who, target faculty, expected status of a GET, of a POST
WHO = [
    ("anonymous", "a", 302, 302),
    ("dean_a", "a", 200, 302),  # a saved POST redirects back to the page
    ("head_a", "a", 200, 302),
    ("dean_a", "b", 404, 404),
    ("vice_rector", "b", 200, 403),
    ("academic_department", "a", 200, 403),
    ("superuser", "b", 200, 302),
]


@pytest.fixture
def world():
    session = f.exam_session(academic_year=f.academic_year(2023), term=2)
    w = {"session": session}
    for key in ("a", "b"):
        faculty = f.faculty(name=f"Faculty {key.upper()}")
        group = f.group(program=f.program(faculty=faculty), name=f"GROUP-{key.upper()}")
        students = [f.student(group=group, full_name=f"Student {key}{i}") for i in range(2)]
        f.assessment(session=session, group=group)
        # The first student was ill: not admitted to the session, so listed for АКЖ.
        services.set_admissions(
            session, group, Attempt.MAIN, {students[0].pk: (False, "valid", "ill")}, None
        )
        w[key] = {"faculty": faculty, "group": group, "students": students}
    return w


def make_user(w, who):
    # Only the one user a test needs: hashing passwords is slow.
    if who == "anonymous":
        return None
    if who == "superuser":
        return f.user(is_superuser=True, is_staff=True)
    role = {"dean_a": roles.DEAN_OFFICE, "head_a": roles.DEAN_OFFICE_HEAD}.get(who, who)
    faculty = w["a"]["faculty"] if who in ("dean_a", "head_a") else None
    return f.user(role=role, faculty=faculty)


def _url(w, url_name, stage, target):
    group = w[target]["group"]
    if url_name == "session_list":
        return reverse("sessions:session_list")
    if url_name == "session_detail":
        return reverse("sessions:session_detail", args=[w["session"].pk])
    if url_name == "group_detail":
        return reverse("sessions:group_detail", args=[w["session"].pk, group.pk])
    return reverse("sessions:admission", args=[w["session"].pk, group.pk, stage])


def _not_admitted_post(w, target):
    # Marks the first student not admitted: a write anyone allowed to make would make.
    first, *rest = w[target]["students"]
    data = {f"s{first.pk}-reason": "invalid", f"s{first.pk}-note": "scope test"}
    for student in rest:
        data[f"s{student.pk}-admitted"] = "on"
        data[f"s{student.pk}-reason"] = ""
        data[f"s{student.pk}-note"] = ""
    return data


def _snapshot():
    return sorted(
        Admission.objects.values_list("student_id", "stage", "admitted", "reason", "note")
    )


@pytest.mark.parametrize("who,target,get_status,post_status", WHO, ids=lambda v: str(v))
@pytest.mark.parametrize("page,url_name,stage,method", PAGES, ids=[p[0] for p in PAGES])
def test_scope(world, page, url_name, stage, method, who, target, get_status, post_status):
    w = world
    user = make_user(w, who)
    client = Client()
    client.cookies["portal_language"] = "en"
    if user is not None:
        client.force_login(user)
    url = _url(w, url_name, stage, target)
    before = _snapshot()

    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, _not_admitted_post(w, target))

    expected = get_status if method == "get" else post_status
    if url_name not in GROUP_PAGES and expected == 404:
        expected = 200  # the lists are not per group: they only leave the other faculty out
    assert response.status_code == expected, response.content[:500]

    if who == "anonymous":
        assert response.url.startswith(reverse("login"))
    if expected in (403, 404) or who == "anonymous":
        assert _snapshot() == before, "nothing written"
    if who == "dean_a" and target == "b" and response.status_code == 200:
        content = response.content.decode()
        assert "GROUP-B" not in content and "Faculty B" not in content
    if method == "post" and expected == 302 and who != "anonymous":
        first = w[target]["students"][0]
        assert Admission.objects.filter(
            student=first, stage=stage, admitted=False, reason="invalid", updated_by=user
        ).exists()
    if method == "get" and expected == 200 and url_name in GROUP_PAGES:
        assert w[target]["group"].name in response.content.decode()


def test_a_dean_sees_the_other_faculty_in_no_list(world):
    w = world
    client = Client()
    client.force_login(make_user(w, "dean_a"))
    detail = client.get(reverse("sessions:session_detail", args=[w["session"].pk]))
    listed = {
        row.group
        for block in detail.context["faculties"]
        for program in block.programs
        for row in program.rows
    }
    assert listed == {w["a"]["group"]}


def test_a_dean_with_no_faculty_set_sees_nothing(world):
    w = world
    lost = f.user(role=roles.DEAN_OFFICE)
    client = Client()
    client.force_login(lost)
    detail = client.get(reverse("sessions:session_detail", args=[w["session"].pk]))
    assert detail.status_code == 200 and detail.context["faculties"] == []
    url = reverse("sessions:group_detail", args=[w["session"].pk, w["a"]["group"].pk])
    assert client.get(url).status_code == 404


# Which rows of the exam sessions each role sees: Model.objects.for_user (academics.querysets)


def _ids(queryset):
    return sorted(queryset.values_list("pk", flat=True))


def _records_of(record):
    """{model: sorted pks} of one faculty's exam records (tests.factories.faculty_records)."""
    exam, sheet, group = record["exam"], record["sheet"], record["group"]
    return {
        Assessment: [exam.pk],
        GradeSheet: [sheet.pk],
        Admission: _ids(Admission.objects.filter(group=group)),
        AdmissionChange: _ids(AdmissionChange.objects.filter(group=group)),
        Grade: _ids(Grade.objects.filter(assessment=exam)),
        GradeChange: _ids(GradeChange.objects.filter(assessment=exam)),
        SheetEvent: _ids(SheetEvent.objects.filter(sheet=sheet)),
        StateAttestation: [record["attestation"].pk],
        AttestationEntry: _ids(record["attestation"].entries.all()),
    }


EXAM_RECORDS = [
    Assessment,
    GradeSheet,
    Admission,
    AdmissionChange,
    Grade,
    GradeChange,
    SheetEvent,
    StateAttestation,
    AttestationEntry,
]


@pytest.fixture
def records():
    session = f.exam_session(academic_year=f.academic_year(2023), term=2)
    a = f.faculty_records("Faculty A", session)
    b = f.faculty_records("Faculty B", session)
    return a, _records_of(a), _records_of(b)


def _seen(model, user):
    return _ids(model.objects.for_user(user))


@pytest.mark.parametrize("model", EXAM_RECORDS, ids=lambda m: m.__name__)
def test_a_dean_s_office_sees_its_faculty_s_exam_records_only(records, model):
    a, of_a, of_b = records
    assert of_a[model] and of_b[model], "the world has rows of both faculties"
    for role in (roles.DEAN_OFFICE, roles.DEAN_OFFICE_HEAD):
        assert _seen(model, f.user(role=role, faculty=a["faculty"])) == of_a[model]


@pytest.mark.parametrize("model", EXAM_RECORDS, ids=lambda m: m.__name__)
def test_a_user_with_no_role_sees_no_exam_records(records, model):
    assert _seen(model, f.user(is_staff=True)) == []
    assert _seen(model, f.user(role=roles.DEAN_OFFICE)) == []  # no faculty set


@pytest.mark.parametrize("model", EXAM_RECORDS, ids=lambda m: m.__name__)
def test_the_vice_rector_sees_every_faculty_s_exam_records(records, model):
    _a, of_a, of_b = records
    every = sorted(of_a[model] + of_b[model])
    assert _seen(model, f.user(role=roles.VICE_RECTOR)) == every
    assert _seen(model, f.user(role=roles.ACADEMIC_DEPARTMENT)) == every
