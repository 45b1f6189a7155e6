"""The admission page: who may sit the session or АКЖ, saved at once through the service."""

import pytest
from django.test import Client
from django.urls import reverse

from academics import roles
from academics.choices import StudentStatus
from sessions_app import services
from sessions_app.choices import Attempt
from sessions_app.models import Admission, AdmissionChange, Grade, GradeSheet
from tests import factories as f
from tests.html_forms import submitted

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = "en"
    return client


@pytest.fixture
def world():
    session = f.exam_session(academic_year=f.academic_year(2023), term=2)
    faculty = f.faculty(name="Faculty A")
    group = f.group(program=f.program(faculty=faculty), name="PI-1-23")
    # Created out of name order: the page lists them by name.
    names = ["Дуйшеева Айпери", "Абдыкадыров Бакыт", "Бекова Назира", "Жолдошев Марат"]
    students = {name: f.student(group=group, full_name=name) for name in names}
    dean = f.user(role=roles.DEAN_OFFICE, faculty=faculty)
    return {"session": session, "group": group, "students": students, "dean": dean}


def url(w, stage):
    return reverse("sessions:admission", args=[w["session"].pk, w["group"].pk, stage])


def form_data(rows, changes=None):
    """The page's form as the browser posts it: `rows` as rendered, then `changes` by student."""
    changes = changes or {}
    data = {}
    for row in rows:
        admitted, reason, note = changes.get(row.student.pk, (row.admitted, row.reason, row.note))
        prefix = f"s{row.student.pk}"
        # What the page showed, in its hidden fields.
        data[f"{prefix}-orig_admitted"] = "True" if row.admitted else "False"
        data[f"{prefix}-orig_reason"] = row.reason
        data[f"{prefix}-orig_note"] = row.note
        if admitted:
            data[f"{prefix}-admitted"] = "on"
        data[f"{prefix}-reason"] = reason
        data[f"{prefix}-note"] = note
    return data


def test_main_page_lists_the_contingent_by_name_all_admitted_at_first(world):
    w = world
    expelled = f.student(group=w["group"], full_name="Ааа Expelled", status=StudentStatus.EXPELLED)

    response = client_for(w["dean"]).get(url(w, "main"))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.student.full_name for row in rows] == sorted(w["students"])
    assert all(row.admitted for row in rows)
    assert expelled not in [row.student for row in rows]
    summary = response.context["summary"]
    assert (summary.contingent, summary.admitted, summary.valid, summary.invalid) == (4, 4, 0, 0)
    assert Admission.objects.filter(stage=Attempt.MAIN).count() == 4, "ensure_admissions ran"
    content = response.content.decode()
    assert 'type="checkbox"' in content and "Save admission" in content


def test_saving_marks_who_is_not_admitted_and_why(world):
    w = world
    client = client_for(w["dean"])
    rows = client.get(url(w, "main")).context["rows"]
    a, b = w["students"]["Абдыкадыров Бакыт"], w["students"]["Бекова Назира"]

    response = client.post(
        url(w, "main"),
        form_data(rows, {a.pk: (False, "invalid", "financial debt"), b.pk: (False, "valid", "")}),
    )

    assert response.status_code == 302
    assert response.url == url(w, "main")
    got = {
        adm.student_id: (adm.admitted, adm.reason, adm.note, adm.updated_by_id)
        for adm in Admission.objects.filter(admitted=False)
    }
    assert got == {
        a.pk: (False, "invalid", "financial debt", w["dean"].pk),
        b.pk: (False, "valid", "", w["dean"].pk),
    }
    page = client.get(url(w, "main"))
    summary = page.context["summary"]
    assert (summary.contingent, summary.admitted, summary.valid, summary.invalid) == (4, 2, 1, 1)
    assert "Admission saved: 2 rows changed." in page.content.decode()


def test_a_not_admitted_student_needs_the_reason_and_nothing_is_saved(world):
    w = world
    client = client_for(w["dean"])
    rows = client.get(url(w, "main")).context["rows"]
    a, b = w["students"]["Абдыкадыров Бакыт"], w["students"]["Бекова Назира"]

    response = client.post(
        url(w, "main"),
        form_data(rows, {a.pk: (False, "invalid", "debt"), b.pk: (False, "", "no reason")}),
    )

    assert response.status_code == 400
    errors = {row.student.pk: row.error for row in response.context["rows"] if row.error}
    assert list(errors) == [b.pk]
    content = response.content.decode()
    assert "Say whether the reason is valid or not." in content
    assert "Nothing was saved" in content
    # The posted values are kept on the page for correction.
    assert 'value="no reason"' in content
    assert not Admission.objects.filter(admitted=False).exists(), "the valid row was not saved"


def test_an_unknown_reason_is_refused(world):
    w = world
    client = client_for(w["dean"])
    rows = client.get(url(w, "main")).context["rows"]
    a = w["students"]["Абдыкадыров Бакыт"]

    response = client.post(url(w, "main"), form_data(rows, {a.pk: (False, "lazy", "")}))

    assert response.status_code == 400
    assert not Admission.objects.filter(admitted=False).exists()


def test_every_bad_row_is_marked_at_once(world):
    w = world
    client = client_for(w["dean"])
    rows = client.get(url(w, "main")).context["rows"]
    a, b = w["students"]["Абдыкадыров Бакыт"], w["students"]["Бекова Назира"]

    response = client.post(
        url(w, "main"), form_data(rows, {a.pk: (False, "lazy", ""), b.pk: (True, "", "x" * 251)})
    )

    assert response.status_code == 400
    marked = {row.student.pk for row in response.context["rows"] if row.form.errors}
    assert marked == {a.pk, b.pk}
    assert not Admission.objects.filter(admitted=False).exists()


def test_an_admitted_student_keeps_no_reason(world):
    w = world
    client = client_for(w["dean"])
    rows = client.get(url(w, "main")).context["rows"]
    a = w["students"]["Абдыкадыров Бакыт"]

    response = client.post(url(w, "main"), form_data(rows, {a.pk: (True, "valid", "")}))

    assert response.status_code == 302
    assert Admission.objects.get(student=a, stage=Attempt.MAIN).reason == ""


def test_posted_students_outside_the_group_are_ignored(world):
    w = world
    client = client_for(w["dean"])
    rows = client.get(url(w, "main")).context["rows"]
    outsider = f.student(full_name="Outsider")
    data = form_data(rows)
    data[f"s{outsider.pk}-reason"] = "invalid"

    assert client.post(url(w, "main"), data).status_code == 302
    assert not Admission.objects.filter(student=outsider).exists()


def test_retake_lists_those_who_owe_and_those_not_admitted(world):
    w = world
    s = w["students"]
    a, b, c, d = (s[n] for n in sorted(s))  # Абдыкадыров, Бекова, Дуйшеева, Жолдошев
    session, group, dean = w["session"], w["group"], w["dean"]
    services.ensure_admissions(session, group)
    services.set_admissions(session, group, Attempt.MAIN, {d.pk: (False, "valid", "ill")}, dean)
    math = f.assessment(session=session, group=group, discipline=f.discipline(name="Math"))
    law = f.assessment(session=session, group=group, discipline=f.discipline(name="Law"))
    services.record_grades(
        services.open_sheet(math, Attempt.MAIN), {a.pk: "5", b.pk: "2", c.pk: "4"}, dean, 0
    )
    services.record_grades(
        services.open_sheet(law, Attempt.MAIN), {a.pk: "4", b.pk: "absent", c.pk: "3"}, dean, 0
    )
    client = client_for(dean)

    response = client.get(url(w, "retake"))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.student for row in rows] == [b, d]
    owes_b = [(discipline, str(grade)) for discipline, grade in rows[0].owes]
    assert owes_b == [("Law", "absent"), ("Math", "2")]
    # With no АКЖ row yet, each starts as they were for the main session.
    assert (rows[0].admitted, rows[1].admitted, rows[1].reason) == (True, False, "valid")
    summary = response.context["summary"]
    assert (summary.contingent, summary.listed, summary.admitted, summary.valid) == (4, 2, 1, 1)

    # The one who was ill is admitted to АКЖ, and then appears on the АКЖ sheets.
    saved = client.post(url(w, "retake"), form_data(rows, {d.pk: (True, "", "certificate")}))
    assert saved.status_code == 302
    retake = {
        adm.student_id: (adm.admitted, adm.note)
        for adm in Admission.objects.filter(stage=Attempt.RETAKE)
    }
    # Only the row that changed is written: Бекова stands at АКЖ as for the session.
    assert retake == {d.pk: (True, "certificate")}
    assert Admission.objects.get(student=d, stage=Attempt.MAIN).admitted is False
    on_sheet = {row.student for row in services.roster(services.open_sheet(math, "retake"))}
    assert on_sheet == {b, d}


def test_retake_page_with_nobody_owing(world):
    w = world
    response = client_for(w["dean"]).get(url(w, "retake"))
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "No student owes" in response.content.decode()


def test_unknown_stage_is_404(world):
    w = world
    assert client_for(w["dean"]).get(url(w, "final")).status_code == 404
    assert client_for(w["dean"]).post(url(w, "final"), {}).status_code == 404


def test_readers_see_it_read_only_and_cannot_save(world):
    w = world
    client_for(w["dean"]).get(url(w, "main"))  # the dean's office opened admission
    a = w["students"]["Абдыкадыров Бакыт"]
    services.set_admissions(
        w["session"], w["group"], Attempt.MAIN, {a.pk: (False, "invalid", "debt")}, w["dean"]
    )
    for role in (roles.VICE_RECTOR, roles.ACADEMIC_DEPARTMENT):
        client = client_for(f.user(role=role))
        response = client.get(url(w, "main"))
        assert response.status_code == 200
        assert response.context["editable"] is False
        content = response.content.decode()
        assert 'type="checkbox"' not in content and "<select" not in content
        assert "Save admission" not in content
        assert "invalid reason" in content and "debt" in content
        rows = response.context["rows"]
        denied = client.post(url(w, "main"), form_data(rows, {a.pk: (True, "", "")}))
        assert denied.status_code == 403
    assert Admission.objects.get(student=a, stage=Attempt.MAIN).admitted is False


def test_a_reader_opening_the_page_writes_nothing(world):
    w = world
    response = client_for(f.user(role=roles.VICE_RECTOR)).get(url(w, "main"))
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert not Admission.objects.exists()
    assert "has not opened admission" in response.content.decode()


# The admission is guarded like a grade (issue: "A grade record nobody can move through a side
# door"): the lock, the grade, the version, the merge and the audit.


def page_form(client, w, stage="main", response=None):
    """The admission form as the browser posts it, read from the page as rendered."""
    response = response or client.get(url(w, stage))
    return submitted(response.content, form_class="admission-form")


def graded(w, values, head=None):
    """An exam of the group with main grades {student: value}; its sheet and assessment."""
    exam = f.assessment(session=w["session"], group=w["group"], discipline=f.discipline())
    sheet = services.open_sheet(exam, Attempt.MAIN)
    services.record_grades(sheet, {st.pk: v for st, v in values.items()}, head or w["dean"], 0)
    return exam, GradeSheet.objects.get(pk=sheet.pk)


def test_the_page_cannot_untick_a_graded_student_and_writes_nothing(world):
    w = world
    a = w["students"]["Абдыкадыров Бакыт"]
    client = client_for(w["dean"])
    client.get(url(w, "main"))
    graded(w, {a: "4"})
    form = page_form(client, w)
    form.pop(f"s{a.pk}-admitted")
    form[f"s{a.pk}-reason"] = "invalid"

    response = client.post(url(w, "main"), form)

    assert response.status_code == 400
    errors = {row.student.pk: row.error for row in response.context["rows"] if row.error}
    assert "clear the grade first" in errors[a.pk]
    assert Admission.objects.get(student=a, stage=Attempt.MAIN).admitted is True
    assert not AdmissionChange.objects.filter(stage=Attempt.MAIN, old_admitted__isnull=False)


def test_a_locked_sheet_keeps_the_admission_of_every_student_on_it(world):
    # The head locks a main exam sheet; the dean's office then tries to change admissions.
    w = world
    s = w["students"]
    a, b, c = s["Абдыкадыров Бакыт"], s["Бекова Назира"], s["Дуйшеева Айпери"]
    client = client_for(w["dean"])
    client.get(url(w, "main"))
    services.set_admissions(w["session"], w["group"], "main", {c.pk: (False, "valid", "")}, None)
    head = f.user(role=roles.DEAN_OFFICE_HEAD, faculty=w["group"].program.faculty)
    _exam, sheet = graded(w, {a: "5"}, head)
    services.lock_sheet(sheet, head)
    before = list(Admission.objects.order_by("pk").values_list("admitted", "reason"))

    # B has no grade on it, yet the locked sheet lists B as admitted; C as not admitted.
    form = page_form(client, w)
    form.pop(f"s{b.pk}-admitted")
    form[f"s{b.pk}-reason"] = "invalid"
    form[f"s{c.pk}-admitted"] = "on"
    response = client.post(url(w, "main"), form)

    assert response.status_code == 400
    errors = {row.student.pk: row.error for row in response.context["rows"] if row.error}
    assert set(errors) == {b.pk, c.pk}
    assert "is locked and lists this student: reopen the sheet first" in errors[b.pk]
    assert list(Admission.objects.order_by("pk").values_list("admitted", "reason")) == before
    # A note changes nothing on a sheet: it may still be written.
    form = page_form(client, w)
    form[f"s{b.pk}-note"] = "paid on 20 June"
    assert client.post(url(w, "main"), form).status_code == 302
    assert Admission.objects.get(student=b, stage="main").note == "paid on 20 June"


def test_a_second_save_does_not_readmit_the_student_the_first_marked(world):
    # Two people on the same admission page: each changes one row; both changes stay.
    w = world
    a, b = w["students"]["Абдыкадыров Бакыт"], w["students"]["Бекова Назира"]
    first, second = (
        client_for(w["dean"]),
        client_for(f.user(role=roles.DEAN_OFFICE_HEAD, faculty=w["group"].program.faculty)),
    )
    form_1, form_2 = page_form(first, w), page_form(second, w)
    form_1.pop(f"s{a.pk}-admitted")
    form_1[f"s{a.pk}-reason"] = "invalid"
    assert first.post(url(w, "main"), form_1).status_code == 302

    form_2[f"s{b.pk}-note"] = "scholarship"
    response = second.post(url(w, "main"), form_2, follow=True)

    assert response.redirect_chain
    assert Admission.objects.get(student=a, stage="main").admitted is False
    assert Admission.objects.get(student=b, stage="main").note == "scholarship"
    assert "Someone else saved 1 row of this page meanwhile" in response.content.decode()


def test_a_stale_page_cannot_mark_not_admitted_a_student_whose_grade_was_just_entered(world):
    w = world
    a = w["students"]["Абдыкадыров Бакыт"]
    client = client_for(w["dean"])
    form = page_form(client, w)
    exam, _sheet = graded(w, {a: "3"})  # the head enters a grade meanwhile
    form.pop(f"s{a.pk}-admitted")
    form[f"s{a.pk}-reason"] = "invalid"

    response = client.post(url(w, "main"), form)

    assert response.status_code == 400
    assert Admission.objects.get(student=a, stage="main").admitted is True
    assert Grade.objects.get(student=a, assessment=exam).value == "3"


def test_both_changing_one_row_is_a_clash_and_resending_the_page_reverts_nothing(world):
    w = world
    a = w["students"]["Абдыкадыров Бакыт"]
    client = client_for(w["dean"])
    form = page_form(client, w)
    services.set_admissions(w["session"], w["group"], "main", {a.pk: (False, "valid", "ill")}, None)
    form.pop(f"s{a.pk}-admitted")
    form[f"s{a.pk}-reason"] = "invalid"

    response = client.post(url(w, "main"), form)

    assert response.status_code == 409
    row = next(r for r in response.context["rows"] if r.student == a)
    assert row.conflict == {
        "mine": "not admitted (invalid reason)",
        "theirs": "not admitted (valid reason); ill",
    }
    stored = Admission.objects.get(student=a, stage="main")
    assert (stored.reason, stored.note) == ("valid", "ill")

    again = page_form(client, w, response=response)
    assert client.post(url(w, "main"), again).status_code == 400, "a choice is needed"
    again[f"s{a.pk}-pick"] = "theirs"
    assert client.post(url(w, "main"), again).status_code == 302
    stored.refresh_from_db()
    assert (stored.admitted, stored.reason, stored.note) == (False, "valid", "ill")


def test_every_admission_change_is_audited_and_on_the_groups_history(world):
    w = world
    a = w["students"]["Абдыкадыров Бакыт"]
    client = client_for(w["dean"])
    form = page_form(client, w)
    form.pop(f"s{a.pk}-admitted")
    form[f"s{a.pk}-reason"] = "invalid"
    form[f"s{a.pk}-note"] = "financial debt"
    client.post(url(w, "main"), form)

    change = AdmissionChange.objects.get(student=a, old_admitted=True)
    assert (change.new_admitted, change.old_reason, change.new_reason) == (False, "", "invalid")
    assert (change.old_note, change.new_note) == ("", "financial debt")
    assert (change.changed_by, change.source, change.stage) == (w["dean"], "page", "main")
    # Joining the contingent is a change too: each student's first row, with no old value.
    assert AdmissionChange.objects.filter(old_admitted__isnull=True).count() == 4

    history = client.get(reverse("sessions:group_history", args=[w["session"].pk, w["group"].pk]))
    assert history.status_code == 200
    text = history.content.decode()
    assert a.full_name in text and "financial debt" in text and "invalid reason" in text
