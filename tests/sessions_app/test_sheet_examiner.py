"""The examiner of a grade sheet: shown and chosen on the main sheet's page by those who enter its
grades, set through the examiners' one writer, refused while the sheet is submitted or locked,
kept in the sheet's history."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from academics import roles
from sessions_app import rules, services
from sessions_app.choices import Attempt, SheetAction
from sessions_app.models import Assessment, GradeSheet, SheetEvent
from tests import factories
from tests.html_forms import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def s():
    faculty = factories.faculty()
    own = factories.department(faculty=faculty, name="Программалык инженерия")
    other = factories.department(faculty=faculty, name="Автоматика")
    service = factories.department(name="Жогорку математика")  # another faculty's
    discipline = factories.discipline(name="Математика", department=service)
    group = factories.group(program=factories.program(faculty=faculty, department=own))
    factories.student(group=group)
    old = factories.staff_member(full_name="Асанов Болот", department=own)
    assessment = factories.assessment(group=group, discipline=discipline, examiner=old)
    services.ensure_admissions(assessment.session, group)
    return {
        "faculty": faculty,
        "assessment": assessment,
        "old": old,
        "own": factories.staff_member(full_name="Үсөнова Айгүл", department=own),
        "other": factories.staff_member(full_name="Бекова Айна", department=other),
        "service": factories.staff_member(full_name="Токтогулов Азамат", department=service),
        "stranger": factories.staff_member(full_name="Чет Адам"),  # another faculty's department
        "dean": factories.user(role=roles.DEAN_OFFICE, faculty=faculty),
        "head": factories.user(role=roles.DEAN_OFFICE_HEAD, faculty=faculty),
    }


def url(name, assessment, attempt=Attempt.MAIN):
    return reverse(f"sessions:{name}", args=[assessment.pk, attempt])


def examiner_of(assessment):
    return Assessment.objects.get(pk=assessment.pk).examiner


def main_sheet(assessment):
    return services.open_sheet(assessment, Attempt.MAIN)


def post(client, s, staff, version=None, attempt=Attempt.MAIN):
    if version is None:
        sheet = GradeSheet.objects.filter(assessment=s["assessment"], attempt=Attempt.MAIN).first()
        version = sheet.version if sheet else 0
    data = {"examiner": staff.pk if staff else "", "version": version}
    return client.post(url("sheet_examiner", s["assessment"], attempt), data, follow=True)


def said(response):
    return [str(m) for m in response.context["messages"]]


# The service


def test_setting_the_examiner_is_recorded_in_the_main_sheet_s_history(s):
    version = main_sheet(s["assessment"]).version
    assert services.set_examiner(s["assessment"], s["own"], s["dean"], version=version)
    assert examiner_of(s["assessment"]) == s["own"]
    sheet = main_sheet(s["assessment"])
    assert sheet.version == version + 1
    event = SheetEvent.objects.get(sheet=sheet)
    assert (event.action, event.by, event.reason) == (
        SheetAction.EXAMINER,
        s["dean"],
        "Асанов Болот → Үсөнова Айгүл",
    )
    # The same examiner again changes nothing, and records nothing.
    assert not services.set_examiner(s["assessment"], s["own"], s["dean"])
    assert SheetEvent.objects.count() == 1
    # None clears it.
    services.set_examiner(s["assessment"], None, s["dean"])
    assert examiner_of(s["assessment"]) is None
    assert SheetEvent.objects.latest("id").reason == "Үсөнова Айгүл → —"


@pytest.mark.parametrize("close", [services.submit_sheet, services.lock_sheet])
def test_the_service_refuses_a_submitted_or_locked_main_sheet(s, close):
    sheet = close(main_sheet(s["assessment"]), s["head"])
    with pytest.raises(services.SheetLocked) as refused:
        services.set_examiner(s["assessment"], s["own"], s["head"])
    assert str(refused.value) == rules.refuse_examiner(sheet.status).message
    assert examiner_of(s["assessment"]) == s["old"]
    assert not SheetEvent.objects.filter(action=SheetAction.EXAMINER).exists()
    # Reopened, it may change again.
    services.reopen_sheet(sheet, s["head"], "wrong examiner")
    services.set_examiner(s["assessment"], s["own"], s["head"])
    assert examiner_of(s["assessment"]) == s["own"]


def test_a_closed_retake_sheet_does_not_keep_the_examiner(s):
    services.lock_sheet(services.open_sheet(s["assessment"], Attempt.RETAKE), s["head"])
    services.set_examiner(s["assessment"], s["own"], s["dean"])
    assert examiner_of(s["assessment"]) == s["own"]


def test_the_service_refuses_another_faculty_and_readers(s):
    other_dean = factories.user(role=roles.DEAN_OFFICE, faculty=factories.faculty())
    for user in (other_dean, factories.user(role=roles.VICE_RECTOR)):
        with pytest.raises(PermissionDenied):
            services.set_examiner(s["assessment"], s["own"], user)
    assert examiner_of(s["assessment"]) == s["old"]


def test_a_stale_version_is_refused_unless_the_examiner_is_already_the_one_wanted(s):
    services.set_examiner(s["assessment"], s["own"], s["dean"])
    with pytest.raises(services.StaleSheet):
        services.set_examiner(s["assessment"], s["other"], s["dean"], version=0)
    assert examiner_of(s["assessment"]) == s["own"]
    assert not services.set_examiner(s["assessment"], s["own"], s["dean"], version=0)


# The page


def test_the_page_offers_the_program_s_department_first_then_the_discipline_s_then_the_faculty(
    client, s
):
    client.force_login(s["dean"])
    response = client.get(url("sheet", s["assessment"]))
    form = response.context["examiner_form"]
    groups = [label for label, _options in form.fields["examiner"].choices[1:]]
    assert groups == ["Программалык инженерия", "Жогорку математика", "Автоматика"]
    offered = {pk for _label, options in form.fields["examiner"].choices[1:] for pk, _n in options}
    assert offered == {s["old"].pk, s["own"].pk, s["service"].pk, s["other"].pk}
    html = response.content.decode()
    assert f'<option value="{s["old"].pk}" selected>Асанов Болот</option>' in html
    assert 'id="examiner-save"' in html


def test_the_dean_s_office_sets_the_examiner_on_the_page_and_the_history_shows_it(client, s):
    client.force_login(s["dean"])
    response = post(client, s, s["service"])
    assert response.status_code == 200
    assert "The examiner is now Токтогулов Азамат." in said(response)
    assert examiner_of(s["assessment"]) == s["service"]
    # The header names the new examiner; the history, who changed it.
    assert "Токтогулов Азамат" in response.content.decode()
    history = client.get(url("sheet_history", s["assessment"])).content.decode()
    assert "examiner changed" in history.lower()
    assert "Асанов Болот → Токтогулов Азамат" in history


def test_the_page_clears_the_examiner(client, s):
    client.force_login(s["dean"])
    response = post(client, s, None)
    assert "The sheet has no examiner now." in said(response)
    assert examiner_of(s["assessment"]) is None


def test_someone_outside_the_list_cannot_be_posted(client, s):
    client.force_login(s["dean"])
    response = post(client, s, s["stranger"])
    assert "Choose the examiner from the list." in said(response)
    assert examiner_of(s["assessment"]) == s["old"]


@pytest.mark.parametrize("close", [services.submit_sheet, services.lock_sheet])
def test_a_submitted_or_locked_sheet_shows_no_choice_and_refuses_a_post(client, s, close):
    sheet = close(main_sheet(s["assessment"]), s["head"])
    client.force_login(s["head"])
    page = client.get(url("sheet", s["assessment"]))
    assert page.context["examiner_form"] is None
    assert 'id="examiner-form"' not in page.content.decode()
    response = post(client, s, s["own"])
    assert rules.refuse_examiner(sheet.status).message in said(response)
    assert examiner_of(s["assessment"]) == s["old"]


def test_a_page_opened_before_a_change_is_refused(client, s):
    client.force_login(s["dean"])
    version = main_sheet(s["assessment"]).version
    services.set_examiner(s["assessment"], s["own"], s["head"])
    response = post(client, s, s["other"], version=version)
    assert any("Someone changed this sheet" in message for message in said(response))
    assert examiner_of(s["assessment"]) == s["own"]


def test_readers_and_the_retake_sheet_do_not_set_the_examiner(client, s):
    reader = factories.user(role=roles.VICE_RECTOR)
    client.force_login(reader)
    assert client.get(url("sheet", s["assessment"])).context["examiner_form"] is None
    assert post(client, s, s["own"]).status_code == 403
    client.force_login(s["dean"])
    retake = client.get(url("sheet", s["assessment"], Attempt.RETAKE))
    assert retake.context["examiner_form"] is None
    assert post(client, s, s["own"], attempt=Attempt.RETAKE).status_code == 403
    assert examiner_of(s["assessment"]) == s["old"]


def test_another_faculty_s_dean_s_office_does_not_find_the_sheet(client, s):
    client.force_login(factories.user(role=roles.DEAN_OFFICE, faculty=factories.faculty()))
    assert post(client, s, s["own"]).status_code == 404
    assert examiner_of(s["assessment"]) == s["old"]


# The admin's assessment form goes through the same writer


def _admin_change(client, s, staff):
    s["dean"].is_staff = True
    s["dean"].save()
    client.force_login(s["dean"])
    page = reverse("admin:sessions_app_assessment_change", args=[s["assessment"].pk])
    data = submitted(client.get(page).content, form_id="assessment_form")
    assert data["examiner"] == str(s["old"].pk)
    data["examiner"] = staff.pk
    data["date"] = "2024-06-10"
    return client.post(page, data, follow=True)


def test_the_admin_changes_the_examiner_through_the_writer(client, s):
    client.force_login(s["dean"])
    response = _admin_change(client, s, s["service"])
    assert response.status_code == 200
    assessment = Assessment.objects.get(pk=s["assessment"].pk)
    assert (assessment.examiner, str(assessment.date)) == (s["service"], "2024-06-10")
    event = SheetEvent.objects.get(action=SheetAction.EXAMINER)
    assert (event.by, event.reason) == (s["dean"], "Асанов Болот → Токтогулов Азамат")


def test_the_admin_refuses_the_examiner_of_a_locked_sheet_and_saves_nothing(client, s):
    sheet = services.lock_sheet(main_sheet(s["assessment"]), s["head"])
    client.force_login(s["dean"])
    response = _admin_change(client, s, s["service"])
    assert rules.refuse_examiner(sheet.status).message in said(response)
    assessment = Assessment.objects.get(pk=s["assessment"].pk)
    assert (assessment.examiner, assessment.date) == (s["old"], None)
