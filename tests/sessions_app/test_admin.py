"""The admin of exam sessions: faculty scope, read-only grades and audit, actions by the service."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academics import roles
from academics.models import UserProfile
from sessions_app import services
from sessions_app.choices import Attempt, SheetStatus
from sessions_app.models import (
    Admission,
    AdmissionChange,
    Assessment,
    ExamSession,
    Grade,
    GradeChange,
    GradeSheet,
    SheetEvent,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


MODELS = [
    ExamSession,
    Assessment,
    GradeSheet,
    Admission,
    AdmissionChange,
    Grade,
    GradeChange,
    SheetEvent,
]
# An admission's funding is changed in the admin, through the writer: test_admission_funding.py.
READ_ONLY = [GradeSheet, AdmissionChange, Grade, GradeChange, SheetEvent]
SCOPED = [Assessment, GradeSheet, Admission, AdmissionChange, Grade, GradeChange, SheetEvent]


def url(model, view, *args):
    return reverse(f"admin:sessions_app_{model._meta.model_name}_{view}", args=args)


def client_for(user):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = "en"
    return client


def add_faculty(session, name, n_students=2):
    """A faculty with a group, an exam graded and submitted, and its dean's office."""
    faculty = f.faculty(name=name)
    group = f.group(program=f.program(faculty=faculty), name=f"{name}-G")
    students = [f.student(group=group, full_name=f"{name} student {i}") for i in range(n_students)]
    assessment = f.assessment(
        session=session, group=group, discipline=f.discipline(name=f"{name} discipline")
    )
    dean = f.user(role=roles.DEAN_OFFICE, faculty=faculty, is_staff=True)
    services.ensure_admissions(session, group, dean)
    sheet = services.open_sheet(assessment, Attempt.MAIN)
    services.record_grades(sheet, {s.pk: "4" for s in students}, dean, 0)
    services.submit_sheet(sheet, dean)
    return {
        "faculty": faculty,
        "group": group,
        "students": students,
        "assessment": assessment,
        "sheet": sheet,
        "dean": dean,
    }


@pytest.fixture
def world():
    session = f.exam_session(academic_year=f.academic_year(2023), term=2)
    return {
        "session": session,
        "a": add_faculty(session, "FacA"),
        "b": add_faculty(session, "FacB"),
    }


def objects_of(w, key):
    """One object of each scoped model belonging to faculty `key`."""
    part = w[key]
    return {
        Assessment: part["assessment"],
        GradeSheet: part["sheet"],
        Admission: Admission.objects.filter(group=part["group"]).first(),
        AdmissionChange: AdmissionChange.objects.filter(group=part["group"]).first(),
        Grade: Grade.objects.filter(assessment=part["assessment"]).first(),
        GradeChange: GradeChange.objects.filter(assessment=part["assessment"]).first(),
        SheetEvent: SheetEvent.objects.filter(sheet=part["sheet"]).first(),
    }


def test_every_model_is_registered():
    for model in MODELS:
        assert admin.site.is_registered(model), model


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_and_change_view_render_for_the_admin(admin_client, world, model):
    admin_client.cookies["portal_language"] = "en"
    response = admin_client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count() > 0
    obj = model.objects.first()
    assert admin_client.get(url(model, "change", obj.pk)).status_code == 200
    assert admin_client.get(url(model, "changelist"), {"q": "Fac"}).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_queries_do_not_grow_with_rows(admin_client, world, model):
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url(model, "changelist")).status_code == 200
    for i in range(3):
        add_faculty(world["session"], f"More{i}")
    with CaptureQueriesContext(connection) as more:
        assert admin_client.get(url(model, "changelist")).status_code == 200
    assert len(more) == len(few), [q["sql"] for q in more.captured_queries]


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_a_dean_sees_only_their_faculty_in_the_changelists(world, model):
    client = client_for(world["a"]["dean"])
    response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    shown = set(response.context["cl"].result_list)
    mine, theirs = objects_of(world, "a")[model], objects_of(world, "b")[model]
    assert mine in shown and theirs not in shown
    assert response.context["cl"].full_result_count == len(shown)
    content = response.content.decode()
    assert "FacB-G" not in content and "FacB student" not in content


@pytest.mark.parametrize("view", ["change", "history", "delete"])
@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_another_facultys_object_urls_show_nothing(world, model, view):
    client = client_for(world["a"]["dean"])
    theirs = objects_of(world, "b")[model]
    response = client.get(url(model, view, theirs.pk))
    # Django's admin answers an object outside the queryset by sending to the admin index with
    # "… doesn't exist"; the delete view may refuse first (403). Either way nothing is shown.
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response.url == reverse("admin:index")
        page = client.get(response.url).content.decode()
        assert str(theirs) not in page and "FacB" not in page
    assert model.objects.filter(pk=theirs.pk).exists()
    # Their own faculty's object opens.
    mine = objects_of(world, "a")[model]
    assert client.get(url(model, "change", mine.pk)).status_code == 200


def test_a_dean_cannot_post_to_another_facultys_assessment(world):
    client = client_for(world["a"]["dean"])
    theirs = world["b"]["assessment"]
    response = client.post(url(Assessment, "change", theirs.pk), {"date": "2024-06-10"})
    assert response.status_code == 302 and response.url == reverse("admin:index")
    theirs.refresh_from_db()
    assert theirs.date is None


def test_a_dean_adds_assessments_only_for_their_groups(world):
    w = world
    client = client_for(w["a"]["dean"])
    discipline = f.discipline(name="New discipline")
    data = {
        "session": w["session"].pk,
        "discipline": discipline.pk,
        "kind": "exam",
        "examiner": "",
        "date": "",
        "sheets-TOTAL_FORMS": "0",
        "sheets-INITIAL_FORMS": "0",
        "sheets-MIN_NUM_FORMS": "0",
        "sheets-MAX_NUM_FORMS": "1000",
    }
    refused = client.post(url(Assessment, "add"), {**data, "group": w["b"]["group"].pk})
    assert refused.status_code == 200 and refused.context["adminform"].form.errors.get("group")
    assert not Assessment.objects.filter(discipline=discipline).exists()

    added = client.post(url(Assessment, "add"), {**data, "group": w["a"]["group"].pk})
    assert added.status_code == 302
    assert Assessment.objects.get(discipline=discipline).group == w["a"]["group"]


def test_a_dean_s_office_picks_an_examiner_from_another_faculty_s_service_department(world):
    w = world
    client = client_for(w["a"]["dean"])
    physics = f.department(faculty=w["b"]["faculty"], name="Physics", kind="service")
    teacher = f.staff_member(department=physics, full_name="Physics teacher")
    picker = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "sessions_app", "model_name": "assessment", "field_name": "examiner"},
    )
    assert "Physics teacher" in {result["text"] for result in picker.json()["results"]}
    # Elsewhere the teacher is faculty B's: not in A's staff list, nor found by its URL.
    staff = client.get(reverse("admin:academics_staffmember_changelist"))
    assert teacher not in staff.context["cl"].queryset
    change = client.get(reverse("admin:academics_staffmember_change", args=[teacher.pk]))
    assert change.status_code == 302 and change.url == reverse("admin:index")

    data = {
        "session": w["session"].pk,
        "group": w["a"]["group"].pk,
        "discipline": f.discipline(name="Physics").pk,
        "kind": "exam",
        "examiner": teacher.pk,
        "date": "",
        "sheets-TOTAL_FORMS": "0",
        "sheets-INITIAL_FORMS": "0",
        "sheets-MIN_NUM_FORMS": "0",
        "sheets-MAX_NUM_FORMS": "1000",
    }
    assert client.post(url(Assessment, "add"), data).status_code == 302
    assert Assessment.objects.get(discipline__name="Physics").examiner == teacher


def test_a_graded_assessment_cannot_be_moved(admin_client, world):
    assessment = world["a"]["assessment"]
    response = admin_client.get(url(Assessment, "change", assessment.pk))
    form = response.context["adminform"].form
    assert not {"session", "group", "discipline", "kind"} & set(form.fields)


def test_deleting_an_assessment_with_sheets_is_refused(admin_client, world):
    assessment = world["a"]["assessment"]
    response = admin_client.post(url(Assessment, "delete", assessment.pk), {"post": "yes"})
    assert response.status_code in (200, 403)
    assert Assessment.objects.filter(pk=assessment.pk).exists()
    assert SheetEvent.objects.filter(sheet__assessment=assessment).exists()


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_grades_admissions_and_audit_cannot_be_written_even_by_a_superuser(
    admin_client, world, model
):
    obj = objects_of(world, "a")[model]
    before = list(model.objects.order_by("pk").values())

    change = admin_client.get(url(model, "change", obj.pk))
    assert change.status_code == 200
    assert change.context["has_change_permission"] is False, "shown read-only"
    assert 'name="_save"' not in change.content.decode()
    assert admin_client.post(url(model, "change", obj.pk), {}).status_code == 403
    assert admin_client.get(url(model, "add")).status_code == 403
    assert admin_client.post(url(model, "add"), {}).status_code == 403
    assert admin_client.get(url(model, "delete", obj.pk)).status_code == 403
    assert admin_client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    bulk = admin_client.post(
        url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)

    assert list(model.objects.order_by("pk").values()) == before


def test_exam_sessions_are_edited_by_the_academic_department_not_by_deans(world):
    session = world["session"]
    office = client_for(f.user(role=roles.ACADEMIC_DEPARTMENT, is_staff=True))
    response = office.post(
        url(ExamSession, "change", session.pk),
        {
            "academic_year": session.academic_year_id,
            "term": 2,
            "main_start": "2024-06-03",
            "main_end": "2024-06-28",
            "retake_start": "",
            "retake_end": "",
            "entry_deadline": "2024-07-05",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert str(session.entry_deadline) == "2024-07-05"

    dean = client_for(world["a"]["dean"])
    assert (
        dean.get(url(ExamSession, "change", session.pk)).context["has_change_permission"] is False
    )
    assert dean.post(url(ExamSession, "change", session.pk), {"term": 1}).status_code == 403


def test_exam_session_autocomplete_finds_a_year_by_name(admin_client, world):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "sessions_app",
            "model_name": "assessment",
            "field_name": "session",
            "term": "2023-2024",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(world["session"].pk)]


def test_every_assessment_foreign_key_autocompletes():
    model_admin = admin.site.get_model_admin(Assessment)
    foreign_keys = {
        field.name
        for field in Assessment._meta.get_fields()
        if field.many_to_one and field.concrete
    }
    assert foreign_keys == set(model_admin.autocomplete_fields)


def test_submit_and_lock_actions_go_through_the_service(world):
    w = world
    head = f.user(role=roles.DEAN_OFFICE_HEAD, faculty=w["a"]["faculty"], is_staff=True)
    draft = services.open_sheet(w["a"]["assessment"], Attempt.RETAKE)
    other = services.open_sheet(w["b"]["assessment"], Attempt.RETAKE)
    dean = client_for(w["a"]["dean"])

    dean.post(
        url(GradeSheet, "changelist"),
        {"action": "submit", "_selected_action": [draft.pk, other.pk]},
    )
    draft.refresh_from_db()
    other.refresh_from_db()
    assert draft.status == SheetStatus.SUBMITTED
    assert other.status == SheetStatus.DRAFT, "outside the dean's queryset"
    assert SheetEvent.objects.filter(sheet=draft, action="submit", by=w["a"]["dean"]).exists()

    changelist = dean.get(url(GradeSheet, "changelist"))
    actions = [name for name, _label in changelist.context["action_form"].fields["action"].choices]
    assert "submit" in actions and "lock" not in actions, "only the head locks"

    client_for(head).post(
        url(GradeSheet, "changelist"), {"action": "lock", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == SheetStatus.LOCKED


def test_a_refused_action_says_why(world):
    w = world
    sheet = w["a"]["sheet"]  # already submitted
    response = client_for(w["a"]["dean"]).post(
        url(GradeSheet, "changelist"),
        {"action": "submit", "_selected_action": [sheet.pk]},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("cannot be" in m for m in messages), messages


def test_the_sheet_page_shows_its_events_and_a_link(admin_client, world):
    sheet = world["a"]["sheet"]
    content = admin_client.get(url(GradeSheet, "change", sheet.pk)).content.decode()
    assert reverse("sessions:sheet", args=[sheet.assessment_id, sheet.attempt]) in content
    assert "submit" in content.lower()


def test_the_user_page_sets_a_dean_offices_faculty(admin_client, world):
    faculty = world["a"]["faculty"]
    user = f.user(username="new.dean", role=roles.DEAN_OFFICE)
    page = admin_client.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: form.initial.get(name, "")
        for name in ("username", "first_name", "last_name", "email", "last_login_0")
    }
    data.update(
        {
            "username": "new.dean",
            "is_active": "on",
            "is_staff": "on",
            "groups": [g.pk for g in user.groups.all()],
            "date_joined_0": "2024-01-01",
            "date_joined_1": "00:00:00",
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-faculty": faculty.pk,
            "profile-0-user": user.pk,
        }
    )
    response = admin_client.post(reverse("admin:auth_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert UserProfile.objects.get(user=user).faculty == faculty

    listing = admin_client.get(reverse("admin:auth_user_changelist"))
    assert listing.status_code == 200
    assert faculty.name in listing.content.decode() or str(faculty) in listing.content.decode()
    assert User.objects.filter(profile__faculty=faculty, username="new.dean").exists()
