"""The browsing pages: the sessions, the groups of a session, one group's assessments and sheets."""

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academics import roles
from academics.choices import StudentStatus, StudyForm
from sessions_app import services
from sessions_app.choices import Attempt, SheetStatus
from sessions_app.models import Admission, GradeSheet
from tests import factories as f

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = "en"
    return client


@pytest.fixture
def world():
    year = f.academic_year(2023)
    session = f.exam_session(
        academic_year=year,
        term=2,
        main_start=datetime.date(2024, 6, 3),
        main_end=datetime.date(2024, 6, 28),
    )
    fac_a = f.faculty(name="Faculty A")
    fac_b = f.faculty(name="Faculty B")
    group_a = f.group(program=f.program(faculty=fac_a, name="Software"), name="PI-1-23")
    group_b = f.group(program=f.program(faculty=fac_b, name="Economics"), name="EK-1-23")
    students_a = [f.student(group=group_a, full_name=f"A student {i}") for i in range(3)]
    students_b = [f.student(group=group_b, full_name=f"B student {i}") for i in range(2)]
    exam_a = f.assessment(session=session, group=group_a, discipline=f.discipline(name="Math"))
    credit_a = f.assessment(
        session=session, group=group_a, discipline=f.discipline(name="Physics"), kind="credit"
    )
    exam_b = f.assessment(session=session, group=group_b, discipline=f.discipline(name="Law"))
    dean_a = f.user(role=roles.DEAN_OFFICE, faculty=fac_a)
    dean_b = f.user(role=roles.DEAN_OFFICE, faculty=fac_b)
    return {
        "session": session,
        "fac_a": fac_a,
        "fac_b": fac_b,
        "group_a": group_a,
        "group_b": group_b,
        "students_a": students_a,
        "students_b": students_b,
        "exam_a": exam_a,
        "credit_a": credit_a,
        "exam_b": exam_b,
        "dean_a": dean_a,
        "dean_b": dean_b,
        "rector": f.user(role=roles.VICE_RECTOR),
    }


def fill_main_sheet(assessment, students, user, values):
    services.ensure_admissions(assessment.session, assessment.group)
    sheet = services.open_sheet(assessment, Attempt.MAIN)
    services.record_grades(sheet, dict(zip([s.pk for s in students], values, strict=True)), user, 0)
    return sheet


# The session list


def test_session_list_newest_first_with_dates():
    old = f.exam_session(academic_year=f.academic_year(2022), term=1)
    new = f.exam_session(
        academic_year=f.academic_year(2023), term=2, entry_deadline=datetime.date(2024, 7, 5)
    )
    mid = f.exam_session(academic_year=f.academic_year(2023), term=1)

    response = client_for(f.user(role=roles.VICE_RECTOR)).get(reverse("sessions:session_list"))

    assert response.status_code == 200
    assert list(response.context["sessions"]) == [new, mid, old]
    content = response.content.decode()
    assert reverse("sessions:session_detail", args=[new.pk]) in content
    assert "07/05/2024" in content  # English short date


def test_session_list_dates_follow_the_language():
    f.exam_session(academic_year=f.academic_year(2023), entry_deadline=datetime.date(2024, 7, 5))
    client = client_for(f.user(role=roles.VICE_RECTOR))
    client.cookies["portal_language"] = "ky"
    assert "05.07.2024" in client.get(reverse("sessions:session_list")).content.decode()


def test_session_list_counts_sheets_by_status_in_the_users_faculty(world):
    w = world
    main_a = fill_main_sheet(w["exam_a"], w["students_a"], w["dean_a"], ["5", "4", "3"])
    services.submit_sheet(main_a, w["dean_a"])
    services.open_sheet(w["credit_a"], Attempt.MAIN)
    services.open_sheet(w["exam_b"], Attempt.MAIN)
    services.open_sheet(w["exam_b"], Attempt.RETAKE)

    rector = client_for(w["rector"]).get(reverse("sessions:session_list"))
    dean = client_for(w["dean_a"]).get(reverse("sessions:session_list"))

    [everything] = rector.context["sessions"]
    assert (
        everything.assessment_count,
        everything.draft_count,
        everything.submitted_count,
        everything.locked_count,
    ) == (3, 3, 1, 0)
    [mine] = dean.context["sessions"]
    assert (mine.assessment_count, mine.draft_count, mine.submitted_count) == (2, 1, 1)
    assert dean.context["scope"] == w["fac_a"]
    assert "Faculty A" in dean.content.decode()


def test_a_user_without_a_role_sees_no_sessions():
    response = client_for(f.user()).get(reverse("sessions:session_list"))
    assert response.status_code == 403


def test_session_list_says_when_there_is_no_session(admin_client):
    admin_client.cookies["portal_language"] = "en"
    response = admin_client.get(reverse("sessions:session_list"))
    assert response.status_code == 200
    assert "No exam session has been entered yet." in response.content.decode()
    assert reverse("admin:sessions_app_examsession_add") in response.content.decode()


# The session page


def _group_rows(response):
    return {
        row.group.name: row
        for block in response.context["faculties"]
        for program in block.programs
        for row in program.rows
    }


def test_session_detail_groups_by_faculty_and_program_with_progress(world):
    w = world
    main = fill_main_sheet(w["exam_a"], w["students_a"], w["dean_a"], ["5", "2", "absent"])
    services.submit_sheet(main, w["dean_a"])
    # The credit sheet is opened but only one of the three grades is in.
    credit = services.open_sheet(w["credit_a"], Attempt.MAIN)
    services.record_grades(credit, {w["students_a"][0].pk: "pass"}, w["dean_a"], 0)

    response = client_for(w["rector"]).get(
        reverse("sessions:session_detail", args=[w["session"].pk])
    )

    assert response.status_code == 200
    assert [b.faculty for b in response.context["faculties"]] == [w["fac_a"], w["fac_b"]]
    rows = _group_rows(response)
    a, b = rows["PI-1-23"], rows["EK-1-23"]
    assert (a.group.contingent, a.assessments, a.main_filled, a.main_submitted) == (3, 2, 1, 1)
    assert (a.main_locked, a.retake_submitted, a.retake_locked) == (0, 0, 0)
    # Group B's admission has not been opened: no contingent yet, two students studying.
    assert (b.group.contingent, b.group.studying, b.assessments) == (0, 2, 1)
    content = response.content.decode()
    assert reverse("sessions:group_detail", args=[w["session"].pk, w["group_a"].pk]) in content
    assert "Software" in content and "Economics" in content
    assert response.context["admission_pending"] is True


def test_session_detail_shows_a_dean_only_their_faculty(world):
    w = world
    response = client_for(w["dean_a"]).get(
        reverse("sessions:session_detail", args=[w["session"].pk])
    )
    assert set(_group_rows(response)) == {"PI-1-23"}
    content = response.content.decode()
    assert "EK-1-23" not in content and "Faculty B" not in content


def test_session_detail_filters_by_faculty_and_form(world):
    w = world
    url = reverse("sessions:session_detail", args=[w["session"].pk])
    client = client_for(w["rector"])

    assert set(_group_rows(client.get(url, {"faculty": w["fac_b"].pk}))) == {"EK-1-23"}
    assert set(_group_rows(client.get(url, {"form": "day"}))) == {"PI-1-23", "EK-1-23"}
    none = client.get(url, {"form": "extramural"})
    assert none.context["faculties"] == []
    assert "No study group matches the filter." in none.content.decode()


def test_a_dean_cannot_filter_into_another_faculty(world):
    w = world
    url = reverse("sessions:session_detail", args=[w["session"].pk])
    response = client_for(w["dean_a"]).get(url, {"faculty": w["fac_b"].pk})
    assert set(_group_rows(response)) == {"PI-1-23"}


def test_session_detail_lists_the_groups_of_the_year_without_assessments(world):
    w = world
    f.group(program=w["group_a"].program, name="PI-2-23")
    f.group(program=w["group_a"].program, name="PI-1-22", academic_year=f.academic_year(2022))
    response = client_for(w["dean_a"]).get(
        reverse("sessions:session_detail", args=[w["session"].pk])
    )
    assert set(_group_rows(response)) == {"PI-1-23", "PI-2-23"}


def test_session_detail_costs_the_same_queries_for_any_number_of_groups(world):
    w = world
    url = reverse("sessions:session_detail", args=[w["session"].pk])
    client = client_for(w["rector"])
    fill_main_sheet(w["exam_a"], w["students_a"], w["dean_a"], ["5", "4", "3"])
    client.get(url)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(6):
        faculty = f.faculty()
        group = f.group(
            program=f.program(faculty=faculty, form=StudyForm.EXTRAMURAL), name=f"X-{i}"
        )
        students = [f.student(group=group) for _ in range(2)]
        assessment = f.assessment(session=w["session"], group=group)
        dean = f.user(role=roles.DEAN_OFFICE, faculty=faculty)
        sheet = fill_main_sheet(assessment, students, dean, ["5", "4"])
        services.submit_sheet(sheet, dean)
        services.open_sheet(assessment, Attempt.RETAKE)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(_group_rows(response)) == 8
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_unknown_session_is_404(world):
    response = client_for(world["rector"]).get(reverse("sessions:session_detail", args=[9999]))
    assert response.status_code == 404


# The group page


def test_group_detail_lists_assessments_with_their_sheets(world):
    w = world
    s = w["students_a"]
    services.ensure_admissions(w["session"], w["group_a"])
    services.set_admissions(
        w["session"], w["group_a"], Attempt.MAIN, {s[2].pk: (False, "valid", "ill")}, w["dean_a"]
    )
    main = services.open_sheet(w["exam_a"], Attempt.MAIN)
    services.record_grades(main, {s[0].pk: "5", s[1].pk: "2"}, w["dean_a"], 0)
    services.lock_sheet(main, f.user(role=roles.DEAN_OFFICE_HEAD, faculty=w["fac_a"]))
    w["exam_a"].examiner = f.staff_member(full_name="Examiner One")
    w["exam_a"].date = datetime.date(2024, 6, 10)
    w["exam_a"].save()

    response = client_for(w["dean_a"]).get(
        reverse("sessions:group_detail", args=[w["session"].pk, w["group_a"].pk])
    )

    assert response.status_code == 200
    rows = {row["assessment"].discipline.name: row for row in response.context["rows"]}
    assert list(rows) == ["Math", "Physics"]  # dated first
    main_progress, retake_progress = rows["Math"]["sheets"]
    assert (main_progress.status, main_progress.filled, main_progress.expected) == (
        SheetStatus.LOCKED,
        2,
        2,
    )
    # АКЖ: the one who got 2 owes; the one not admitted is not on it until admitted to АКЖ.
    assert (retake_progress.sheet, retake_progress.filled, retake_progress.expected) == (
        None,
        0,
        1,
    )
    physics_main, _ = rows["Physics"]["sheets"]
    assert (physics_main.sheet, physics_main.filled, physics_main.expected) == (None, 0, 2)
    content = response.content.decode()
    for attempt in ("main", "retake"):
        assert reverse("sessions:sheet", args=[w["exam_a"].pk, attempt]) in content
        assert reverse("sessions:sheet", args=[w["credit_a"].pk, attempt]) in content
        assert (
            reverse("sessions:admission", args=[w["session"].pk, w["group_a"].pk, attempt])
            in content
        )
    assert "Examiner One" in content and "locked" in content and "not opened" in content
    assert not GradeSheet.objects.filter(attempt=Attempt.RETAKE).exists(), "a GET writes nothing"


def test_group_detail_of_another_faculty_is_404(world):
    w = world
    url = reverse("sessions:group_detail", args=[w["session"].pk, w["group_b"].pk])
    assert client_for(w["dean_a"]).get(url).status_code == 404
    assert client_for(w["dean_b"]).get(url).status_code == 200


def test_group_not_in_the_session_is_404(world):
    w = world
    other_year = f.group(
        program=w["group_a"].program, name="PI-1-21", academic_year=f.academic_year(2021)
    )
    url = reverse("sessions:group_detail", args=[w["session"].pk, other_year.pk])
    assert client_for(w["dean_a"]).get(url).status_code == 404


def test_group_detail_says_when_there_are_no_assessments(world):
    w = world
    group = f.group(program=w["group_a"].program, name="PI-3-23")
    response = client_for(w["dean_a"]).get(
        reverse("sessions:group_detail", args=[w["session"].pk, group.pk])
    )
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "No assessment of this group" in response.content.decode()


def test_contingent_counts_only_the_sessions_admissions(world):
    w = world
    w["students_a"][0].status = StudentStatus.EXPELLED
    w["students_a"][0].save()
    services.ensure_admissions(w["session"], w["group_a"])
    assert Admission.objects.filter(group=w["group_a"]).count() == 2
    response = client_for(w["dean_a"]).get(
        reverse("sessions:session_detail", args=[w["session"].pk])
    )
    assert _group_rows(response)["PI-1-23"].group.contingent == 2


# The lists' Excel files and pages


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_session_list_exports_its_counts_as_numbers(world):
    w = world
    main = fill_main_sheet(w["exam_a"], w["students_a"], w["dean_a"], ["5", "4", "3"])
    services.submit_sheet(main, w["dean_a"])
    url = reverse("sessions:session_list")
    page = client_for(w["dean_a"]).get(url).content.decode()
    assert "_export=xlsx&amp;_table=sessions" in page

    rows = _sheet(client_for(w["dean_a"]).get(url, {"_export": "xlsx", "_table": "sessions"}))

    assert rows[0][4:] == [
        "Assessments",
        "Grade sheets — draft",
        "Grade sheets — submitted",
        "Grade sheets — locked",
    ]
    assert rows[1][1] == "06/03/2024 – 06/28/2024"
    assert rows[1][4:] == [2, 0, 1, 0], "the dean's faculty only, numbers"


def test_the_group_page_exports_its_sheets_progress(world):
    w = world
    fill_main_sheet(w["exam_a"], w["students_a"], w["dean_a"], ["5", "4", "2"])
    url = reverse("sessions:group_detail", args=[w["session"].pk, w["group_a"].pk])
    rows = _sheet(client_for(w["dean_a"]).get(url, {"_export": "xlsx", "_table": "assessments"}))
    assert rows[0][4:] == [
        "Main session sheet — status",
        "Main session sheet — grades entered",
        "Main session sheet — students admitted",
        "АКЖ sheet — status",
        "АКЖ sheet — grades entered",
        "АКЖ sheet — students admitted",
    ]
    math = next(row for row in rows if row[0] == "Math")
    assert math[4:] == ["draft", 3, 3, "not opened", 0, 1], "the one with a 2 owes АКЖ"


def test_the_group_history_pages_each_list_by_its_own_parameter(world):
    w = world
    students = w["students_a"] + [f.student(group=w["group_a"]) for _ in range(50)]
    fill_main_sheet(w["exam_a"], students, w["dean_a"], ["5"] * len(students))
    url = reverse("sessions:group_history", args=[w["session"].pk, w["group_a"].pk])
    client = client_for(w["dean_a"])

    first = client.get(url)
    assert len(first.context["grades_table"].paginated_rows) == 50
    assert len(first.context["admissions_table"].paginated_rows) == 50
    second = client.get(url, {"grades-page": 2})
    assert len(second.context["grades_table"].paginated_rows) == 3
    assert len(second.context["admissions_table"].paginated_rows) == 50, "its own page"

    rows = _sheet(client.get(url, {"_export": "xlsx", "_table": "grades"}))
    assert len(rows) == 1 + 53, "every row, not one page"
    assert rows[0][:4] == ["When", "Student", "Record-book number", "Sheet"]
    assert isinstance(rows[1][0], datetime.datetime)


def test_the_faculty_filter_offers_a_dean_only_their_faculty(world):
    w = world
    url = reverse("sessions:session_detail", args=[w["session"].pk])
    dean = client_for(w["dean_a"]).get(url).context["filters"].form.fields["faculty"]
    assert list(dean.queryset) == [w["fac_a"]]
    rector = client_for(w["rector"]).get(url).context["filters"].form.fields["faculty"]
    assert set(rector.queryset) == {w["fac_a"], w["fac_b"]}
