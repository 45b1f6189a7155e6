"""A student's funding kept per session on the main admission: set by every path that makes one
(the writer, the sheets, the results import), changed only through the admissions writer (the
lock, the version, the audit, the figures' version), and in the admin through the same writer."""

import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation

from academics import roles
from academics.choices import Funding
from academics.models import Student
from sessions_app import importer, services
from sessions_app.choices import Attempt, ChangeSource
from sessions_app.models import Admission, AdmissionChange, ExamSession
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    faculty = factories.faculty()
    group = factories.group(program=factories.program(faculty=faculty))
    budget = factories.student(group=group, full_name="Asanov Bakyt", funding=Funding.BUDGET)
    contract = factories.student(group=group, full_name="Bekova Aida", funding=Funding.CONTRACT)
    session = factories.exam_session()
    factories.assessment(session=session, group=group)
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=faculty, is_staff=True)
    services.ensure_admissions(session, group, dean)
    return {
        "faculty": faculty,
        "group": group,
        "budget": budget,
        "contract": contract,
        "session": session,
        "dean": dean,
    }


def main_admission(session, student):
    return Admission.objects.get(session=session, student=student, stage=Attempt.MAIN)


def funding_of(session, student):
    return main_admission(session, student).funding


# The writer


def test_a_new_main_admission_takes_the_students_funding_of_the_day(world):
    w = world
    assert funding_of(w["session"], w["budget"]) == Funding.BUDGET
    assert funding_of(w["session"], w["contract"]) == Funding.CONTRACT
    joined = AdmissionChange.objects.get(student=w["budget"])
    assert (joined.old_funding, joined.new_funding) == ("", Funding.BUDGET)


def test_write_admissions_sets_a_new_rows_funding_when_the_entry_names_one(world):
    w = world
    later = factories.exam_session(academic_year=factories.academic_year(2024), term=1)
    entry = services.AdmissionEntry(
        later.pk, w["budget"].pk, Attempt.MAIN, True, group_id=w["group"].pk, funding="contract"
    )
    services.write_admissions([entry], w["dean"])
    assert funding_of(later, w["budget"]) == Funding.CONTRACT
    # The student's own funding is not the writer's: it stays as it was.
    assert Student.objects.get(pk=w["budget"].pk).funding == Funding.BUDGET


def test_changing_the_funding_goes_through_the_writer_with_its_audit_and_versions(world):
    w = world
    session, student = w["session"], w["budget"]
    figures_before = ExamSession.objects.get(pk=session.pk).figures_version
    list_before = services.version_of(session, w["group"], Attempt.MAIN)
    entry = services.AdmissionEntry(
        session.pk, student.pk, Attempt.MAIN, True, funding=Funding.CONTRACT
    )

    counts = services.write_admissions([entry], w["dean"], source=ChangeSource.PAGE, reason="x")

    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 0)
    admission = main_admission(session, student)
    assert (admission.funding, admission.admitted, admission.group_id) == (
        Funding.CONTRACT,
        True,
        w["group"].pk,
    )
    change = AdmissionChange.objects.filter(student=student).order_by("-id").first()
    assert (change.old_funding, change.new_funding) == (Funding.BUDGET, Funding.CONTRACT)
    assert (change.old_admitted, change.new_admitted) == (True, True)
    assert (change.changed_by, change.source, change.reason) == (w["dean"], "page", "x")
    assert ExamSession.objects.get(pk=session.pk).figures_version > figures_before
    assert services.version_of(session, w["group"], Attempt.MAIN) == list_before + 1


def test_an_entry_without_funding_keeps_the_stored_one(world):
    w = world
    session, student = w["session"], w["budget"]
    Student.objects.filter(pk=student.pk).update(funding=Funding.CONTRACT)
    services.set_admissions(
        session, w["group"], Attempt.MAIN, {student.pk: (False, "invalid", "debt")}, w["dean"]
    )
    admission = main_admission(session, student)
    assert (admission.admitted, admission.funding) == (False, Funding.BUDGET)
    change = AdmissionChange.objects.filter(student=student).order_by("-id").first()
    assert (change.old_funding, change.new_funding) == (Funding.BUDGET, Funding.BUDGET)


def test_writing_the_same_funding_again_changes_nothing(world):
    w = world
    entry = services.AdmissionEntry(
        w["session"].pk, w["budget"].pk, Attempt.MAIN, True, funding=Funding.BUDGET
    )
    before = AdmissionChange.objects.count()
    counts = services.write_admissions([entry], w["dean"])
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 1)
    assert AdmissionChange.objects.count() == before


def test_a_funding_change_against_an_older_admission_list_is_refused(world):
    w = world
    session, student = w["session"], w["budget"]
    seen = services.version_of(session, w["group"], Attempt.MAIN)
    services.set_admissions(
        session, w["group"], Attempt.MAIN, {w["contract"].pk: (False, "valid", "")}, w["dean"]
    )
    entry = services.AdmissionEntry(
        session.pk, student.pk, Attempt.MAIN, True, funding=Funding.CONTRACT
    )
    with pytest.raises(services.StaleSheet):
        services.write_admissions(
            [entry], w["dean"], versions={(session.pk, w["group"].pk, Attempt.MAIN): seen}
        )
    assert funding_of(session, student) == Funding.BUDGET


def test_another_facultys_dean_cannot_change_the_funding(world):
    w = world
    other = factories.user(role=roles.DEAN_OFFICE, faculty=factories.faculty())
    entry = services.AdmissionEntry(
        w["session"].pk, w["budget"].pk, Attempt.MAIN, True, funding=Funding.CONTRACT
    )
    with pytest.raises(PermissionDenied):
        services.write_admissions([entry], other)
    assert funding_of(w["session"], w["budget"]) == Funding.BUDGET


def test_an_akzh_row_holds_no_funding(world):
    w = world
    services.set_admissions(
        w["session"], w["group"], Attempt.RETAKE, {w["budget"].pk: (False, "valid", "")}, None
    )
    retake = Admission.objects.get(student=w["budget"], stage=Attempt.RETAKE)
    assert retake.funding == ""
    assert funding_of(w["session"], w["budget"]) == Funding.BUDGET


# The results import


HEADERS = [column for column in importer.COLUMNS if column not in importer.OPTIONAL_COLUMNS]


def results_row(year, term, funding, group="PI-1-23", grade="5"):
    return {
        "academic_year": f"{year}-{year + 1}",
        "term": term,
        "faculty": "Faculty of IT",
        "program_code": "710400",
        "program_name": "Software engineering",
        "level": "bachelor",
        "form": "day",
        "group": group,
        "student_id": "2300001",
        "student_name": "Asanov Bakyt",
        "funding": funding,
        "admitted": "yes",
        "not_admitted_reason": "",
        "discipline": "Mathematics",
        "kind": "exam",
        "attempt": "main",
        "grade": grade,
    }


def results_workbook(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "results"
    sheet.append(HEADERS)
    for values in rows:
        sheet.append([values[key] for key in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_rows(rows):
    with translation.override("en"):
        result = importer.import_results(results_workbook(rows), user=None)
    assert not result.errors, [str(error) for error in result.errors]
    return result


def session_of(year, term):
    return ExamSession.objects.get(academic_year__start_year=year, term=term)


def test_the_import_keeps_each_sessions_funding_on_its_admission():
    import_rows([results_row(2023, 1, "budget"), results_row(2023, 2, "contract")])
    student = Student.objects.get(record_book="2300001")
    assert funding_of(session_of(2023, 1), student) == Funding.BUDGET
    assert funding_of(session_of(2023, 2), student) == Funding.CONTRACT
    # The student's own funding is the one of their latest session in the file.
    assert student.funding == Funding.CONTRACT


def test_importing_an_earlier_session_again_changes_its_funding_and_audits_it():
    import_rows([results_row(2022, 2, "budget"), results_row(2023, 2, "budget", group="PI-1-22")])
    student = Student.objects.get(record_book="2300001")
    earlier = session_of(2022, 2)

    result = import_rows([results_row(2022, 2, "contract")])

    assert funding_of(earlier, student) == Funding.CONTRACT
    assert funding_of(session_of(2023, 2), student) == Funding.BUDGET
    change = AdmissionChange.objects.filter(student=student, session=earlier).order_by("-id")[0]
    assert (change.old_funding, change.new_funding, change.source) == (
        Funding.BUDGET,
        Funding.CONTRACT,
        ChangeSource.IMPORT,
    )
    assert dict(
        (model.__name__, (c.created, c.updated, c.unchanged)) for model, c in result.count_rows()
    )["Admission"] == (0, 1, 0)
    # A file about an earlier academic year than the student's leaves their funding now as it
    # was (as before: the student's name, group and funding follow a file of their current year).
    assert Student.objects.get(pk=student.pk).funding == Funding.BUDGET


def test_a_dry_run_changes_no_funding():
    import_rows([results_row(2023, 2, "budget")])
    student = Student.objects.get(record_book="2300001")
    with translation.override("en"):
        result = importer.import_results(
            results_workbook([results_row(2023, 2, "contract")]), user=None, dry_run=True
        )
    assert not result.errors
    assert funding_of(session_of(2023, 2), student) == Funding.BUDGET


# The admin


def admin_url(view, *args):
    return reverse(f"admin:sessions_app_admission_{view}", args=args)


def client_for(user):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = "en"
    return client


def post_funding(client, admission, funding, version=None):
    page = client.get(admin_url("change", admission.pk))
    assert page.status_code == 200
    form = page.context["adminform"].form
    if version is None:
        version = form.initial["version"]
    return client.post(
        admin_url("change", admission.pk), {"funding": funding, "version": version, "_save": "1"}
    )


def test_the_admin_changes_the_funding_through_the_writer(world):
    w = world
    admission = main_admission(w["session"], w["budget"])
    figures_before = ExamSession.objects.get(pk=w["session"].pk).figures_version
    client = client_for(w["dean"])

    response = post_funding(client, admission, "contract")

    assert response.status_code == 302, response.context["adminform"].form.errors
    admission.refresh_from_db()
    assert (admission.funding, admission.updated_by) == (Funding.CONTRACT, w["dean"])
    change = AdmissionChange.objects.filter(student=w["budget"]).order_by("-id").first()
    assert (change.old_funding, change.new_funding) == (Funding.BUDGET, Funding.CONTRACT)
    assert (change.source, change.changed_by) == (ChangeSource.ADMIN, w["dean"])
    assert ExamSession.objects.get(pk=w["session"].pk).figures_version > figures_before
    # The rest of the admission is not the admin's to change.
    assert (admission.admitted, admission.reason, admission.group_id) == (True, "", w["group"].pk)


def test_the_admin_shows_the_funding_in_the_list_and_changes_nothing_else(world):
    w = world
    client = client_for(w["dean"])
    page = client.get(admin_url("changelist"), {"funding__exact": "budget"})
    assert page.status_code == 200
    assert [row.student_id for row in page.context["cl"].result_list] == [w["budget"].pk]
    admission = main_admission(w["session"], w["contract"])
    response = client.post(
        admin_url("change", admission.pk),
        {
            "funding": "contract",
            "version": services.version_of(w["session"], w["group"], Attempt.MAIN),
            "admitted": "",
            "reason": "invalid",
            "note": "typed in",
        },
    )
    assert response.status_code == 302
    admission.refresh_from_db()
    assert (admission.admitted, admission.reason, admission.note) == (True, "", "")


def test_the_admin_refuses_a_funding_change_on_a_page_opened_before_another_save(world):
    w = world
    admission = main_admission(w["session"], w["budget"])
    client = client_for(w["dean"])
    seen = services.version_of(w["session"], w["group"], Attempt.MAIN)
    services.set_admissions(
        w["session"], w["group"], Attempt.MAIN, {w["contract"].pk: (False, "valid", "")}, None
    )

    response = post_funding(client, admission, "contract", version=seen)

    assert response.status_code == 200
    assert "Someone else changed the admissions" in response.content.decode()
    assert funding_of(w["session"], w["budget"]) == Funding.BUDGET


def test_the_admin_shows_an_akzh_row_and_cannot_add_or_delete_admissions(admin_client, world):
    w = world
    services.set_admissions(
        w["session"], w["group"], Attempt.RETAKE, {w["budget"].pk: (False, "valid", "")}, None
    )
    retake = Admission.objects.get(student=w["budget"], stage=Attempt.RETAKE)
    page = admin_client.get(admin_url("change", retake.pk))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert (
        admin_client.post(admin_url("change", retake.pk), {"funding": "budget"}).status_code == 403
    )
    assert admin_client.get(admin_url("add")).status_code == 403
    main = main_admission(w["session"], w["budget"])
    assert admin_client.post(admin_url("delete", main.pk), {"post": "yes"}).status_code == 403
    assert Admission.objects.filter(pk=main.pk).exists()
    retake.refresh_from_db()
    assert retake.funding == ""


def test_the_admin_of_another_faculty_cannot_open_the_admission(world):
    w = world
    other = factories.user(role=roles.DEAN_OFFICE, faculty=factories.faculty(), is_staff=True)
    admission = main_admission(w["session"], w["budget"])
    client = client_for(other)
    response = client.post(admin_url("change", admission.pk), {"funding": "contract", "version": 0})
    assert response.status_code in (302, 404)
    assert funding_of(w["session"], w["budget"]) == Funding.BUDGET


def test_the_groups_history_names_a_change_of_funding(world):
    w = world
    entry = services.AdmissionEntry(
        w["session"].pk, w["budget"].pk, Attempt.MAIN, True, funding=Funding.CONTRACT
    )
    services.write_admissions([entry], w["dean"], source=ChangeSource.ADMIN)
    client = client_for(w["dean"])
    url = reverse("sessions:group_history", args=[w["session"].pk, w["group"].pk])

    text = client.get(url).content.decode()

    assert "funding:" in text
    assert "budget" in text and "contract" in text and "administration site" in text
    rows = [row for row in text.split("<tr") if w["budget"].full_name in row]
    assert sum("funding:" in row for row in rows) == 1, "joining the contingent is not a change"
