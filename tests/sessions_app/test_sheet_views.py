"""The grade sheet pages: entering, saving, refused saves, the workflow, history and printout."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from academics import roles
from reports.achievement import owing_students
from sessions_app import rules, services
from sessions_app.choices import Attempt, SheetStatus
from sessions_app.forms import grammar, parse_grade
from sessions_app.models import Grade, GradeChange, GradeSheet, SheetEvent
from tests import factories
from tests.html_forms import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    # The assertions read the English labels; the pages default to Kyrgyz.
    settings.LANGUAGE_CODE = "en"


def build(size=4, kind="exam"):
    faculty = factories.faculty()
    group = factories.group(program=factories.program(faculty=faculty))
    # Created out of name order: the sheet lists them by name.
    students = [
        factories.student(group=group, full_name=f"Студент {chr(ord('Г') - i)}")
        for i in range(size)
    ]
    examiner = factories.staff_member(full_name="Асанов Болот")
    assessment = factories.assessment(group=group, kind=kind, examiner=examiner)
    services.ensure_admissions(assessment.session, group)
    return {
        "faculty": faculty,
        "group": group,
        "students": sorted(students, key=lambda s: s.full_name),
        "assessment": assessment,
        "dean": factories.user(role=roles.DEAN_OFFICE, faculty=faculty),
        "head": factories.user(role=roles.DEAN_OFFICE_HEAD, faculty=faculty),
    }


@pytest.fixture
def s():
    return build()


def url(name, assessment, attempt=Attempt.MAIN):
    return reverse(f"sessions:{name}", args=[assessment.pk, attempt])


def cells(students, *values, version=0):
    data = {"version": str(version)}
    data.update({f"grade-{st.pk}": v for st, v in zip(students, values, strict=True)})
    return data


def grades(assessment, attempt=Attempt.MAIN):
    return dict(
        Grade.objects.filter(assessment=assessment, attempt=attempt).values_list(
            "student_id", "value"
        )
    )


def sheet_of(assessment, attempt=Attempt.MAIN):
    return services.open_sheet(assessment, attempt)


def not_admitted(s, student, reason):
    session, group = s["assessment"].session, s["group"]
    services.set_admissions(session, group, Attempt.MAIN, {student.pk: (False, reason, "")}, None)


# What a cell may hold


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("5", "5"),
        (" 4 ", "4"),
        ("н", "absent"),
        ("К", "absent"),
        ("absent", "absent"),
        ("", ""),
        ("95", 95),
        ("0", 0),
        ("100", 100),
    ],
)
def test_exam_cells(typed, expected):
    assert parse_grade(typed, "exam") == expected


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("+", "pass"),
        ("з", "pass"),
        ("Сынак", "pass"),
        ("-", "fail"),
        ("\u2212", "fail"),
        ("fail", "fail"),
        ("н", "absent"),
    ],
)
def test_credit_cells(typed, expected):
    assert parse_grade(typed, "credit") == expected


@pytest.mark.parametrize(
    "kind, typed",
    [
        ("exam", "6x"),
        ("exam", "101"),
        ("exam", "+"),
        ("credit", "5"),
        ("credit", "80"),
        ("exam", "-1"),
    ],
)
def test_cells_that_are_no_grade(kind, typed):
    with pytest.raises(ValidationError):
        parse_grade(typed, kind)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("Отл.", "5"),
        ("хор", "4"),
        ("Удовл.", "3"),
        ("уд", "3"),
        ("неуд.", "2"),
        ("Неудовлетворительно", "2"),
        ("Н/Я", "absent"),
        ("н / я", "absent"),
        ("неявка", "absent"),
        ("эң  жак.", "5"),
        ("“жакшы”", "4"),
        ("канаат.", "3"),
        ("кан. эмес", "2"),
        ("к/ж", "absent"),
        ("Excellent", "5"),
        ("87.0", 87),
        ("5.0", "5"),
        ("5 (отлично)", "5"),
        ("3 — удовл.", "3"),
        ("4 (good)", "4"),
    ],
)
def test_exam_cells_take_the_words_and_short_forms_of_the_rules_table(typed, expected):
    assert parse_grade(typed, "exam") == expected


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("зач.", "pass"),
        ("Зачёт", "pass"),
        ("сыналды", "pass"),
        ("не зач.", "fail"),
        ("незачтено", "fail"),
        ("сыналган жок", "fail"),
        ("н/я", "absent"),
    ],
)
def test_credit_cells_take_the_words_and_short_forms_of_the_rules_table(typed, expected):
    assert parse_grade(typed, "credit") == expected


@pytest.mark.parametrize(
    "kind, typed",
    [
        ("exam", "зач"),
        ("credit", "отл"),
        ("exam", "87.5"),
        ("exam", "."),
        ("credit", "5.0"),
        ("exam", "5 (хорошо)"),
    ],
)
def test_a_word_the_kind_does_not_take_or_a_fraction_is_no_grade(kind, typed):
    with pytest.raises(ValidationError):
        parse_grade(typed, kind)


@pytest.mark.parametrize("kind", ["exam", "credit"])
def test_the_script_s_tokens_are_the_rules_table(kind):
    tokens = grammar(kind)["tokens"]
    expected = {
        rules.grade_key(word): value
        for value, words in rules.GRADE_WORDS.items()
        for word in words
        if value in rules.ALLOWED[kind]
    }
    assert tokens == expected


def test_the_sheet_page_saves_the_registrars_abbreviations(client, s):
    a, b, c, d = s["students"]
    client.force_login(s["dean"])
    typed = cells(s["students"], "Удовл.", "Н/Я", "87.0", "эң жак.")
    response = client.post(url("sheet", s["assessment"]), typed)
    assert response.status_code == 302
    assert grades(s["assessment"]) == {a.pk: "3", b.pk: "absent", c.pk: "5", d.pk: "5"}
    assert Grade.objects.get(student=c).points == 87
    rows = client.get(response.url).context["rows"]
    assert [row.text for row in rows] == ["3", "н", "87", "5"]


def test_the_credit_sheet_saves_the_registrars_abbreviations(client):
    s = build(3, kind="credit")
    a, b, c = s["students"]
    client.force_login(s["dean"])
    response = client.post(
        url("sheet", s["assessment"]), cells(s["students"], "зач.", "Не зач.", "к/ж")
    )
    assert response.status_code == 302
    assert grades(s["assessment"]) == {a.pk: "pass", b.pk: "fail", c.pk: "absent"}


# Reading the sheet


def test_get_lists_the_students_in_name_order_with_the_counter(client, s):
    client.force_login(s["dean"])
    response = client.get(url("sheet", s["assessment"]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.student for row in rows] == s["students"]
    assert [row.number for row in rows] == [1, 2, 3, 4]
    assert (response.context["empty_count"], response.context["open_count"]) == (4, 4)
    html = response.content.decode()
    assert 'id="sheet-counter"' in html and 'data-empty="4"' in html
    assert '<input type="hidden" name="version" value="0">' in html
    for st in s["students"]:
        assert f'name="grade-{st.pk}"' in html
        assert st.record_book in html
    assert 'id="sheet-save"' in html and 'id="sheet-submit"' in html
    assert "sheet-grammar" in html  # the tokens for the script, not an inline script
    assert "<script>" not in html
    assert "Асанов Болот" in html
    group_url = reverse("sessions:group_detail", args=[s["assessment"].session_id, s["group"].pk])
    assert group_url in html
    # Reading a sheet does not create it.
    assert not GradeSheet.objects.exists()


def test_not_admitted_students_have_a_disabled_cell(client, s):
    a = s["students"][0]
    not_admitted(s, a, "valid")
    client.force_login(s["dean"])
    response = client.get(url("sheet", s["assessment"]))
    row = response.context["rows"][0]
    assert not row.admitted and row.reason == "valid"
    html = response.content.decode()
    cell = html[html.index(f'id="grade-{a.pk}"') :]
    assert "disabled" in cell[: cell.index(">")]
    assert response.context["open_count"] == 3


def test_unknown_attempt_is_not_found(client, s):
    client.force_login(s["dean"])
    assert client.get(url("sheet", s["assessment"], "final")).status_code == 404


def test_a_user_without_a_role_cannot_open_a_sheet(client, s):
    client.force_login(factories.user())
    assert client.get(url("sheet", s["assessment"])).status_code == 403


# Saving


def test_post_saves_every_cell_and_redirects(client, s):
    a, b, c, d = s["students"]
    client.force_login(s["dean"])
    response = client.post(url("sheet", s["assessment"]), cells(s["students"], "5", "н", "95", ""))
    assert response.status_code == 302
    assert response.url == url("sheet", s["assessment"])
    assert grades(s["assessment"]) == {a.pk: "5", b.pk: "absent", c.pk: "5"}
    assert Grade.objects.get(student=c).points == 95
    assert GradeChange.objects.filter(source="page", changed_by=s["dean"]).count() == 3

    response = client.get(response.url)
    assert [row.text for row in response.context["rows"]] == ["5", "н", "95", ""]
    assert response.context["empty_count"] == 1
    assert '<input type="hidden" name="version" value="1">' in response.content.decode()

    # Saving the same cells again changes nothing; clearing one removes its grade.
    client.post(url("sheet", s["assessment"]), cells(s["students"], "5", "н", "95", "", version=1))
    assert GradeChange.objects.count() == 3
    client.post(url("sheet", s["assessment"]), cells(s["students"], "5", "", "95", "", version=1))
    assert grades(s["assessment"]) == {a.pk: "5", c.pk: "5"}


def test_credit_sheet_takes_plus_and_minus(client):
    s = build(3, kind="credit")
    a, b, c = s["students"]
    client.force_login(s["dean"])
    response = client.post(url("sheet", s["assessment"]), cells(s["students"], "+", "-", "к"))
    assert response.status_code == 302
    assert grades(s["assessment"]) == {a.pk: "pass", b.pk: "fail", c.pk: "absent"}


def test_a_bad_cell_saves_nothing_and_keeps_what_was_typed(client, s):
    a, b, c, d = s["students"]
    client.force_login(s["dean"])
    response = client.post(url("sheet", s["assessment"]), cells(s["students"], "5", "7x", "4", ""))
    assert response.status_code == 400
    assert not Grade.objects.exists()
    rows = response.context["rows"]
    assert [row.text for row in rows] == ["5", "7x", "4", ""]
    assert rows[1].error and not rows[0].error
    html = response.content.decode()
    assert f'aria-describedby="label-{b.pk} error-{b.pk}"' in html
    assert 'aria-invalid="true"' in html
    assert 'data-unsaved="true"' in html


def test_a_bad_cell_does_not_hide_a_save_made_meanwhile(client, s):
    a, b, c, d = s["students"]
    client.force_login(s["dean"])
    services.record_grades(sheet_of(s["assessment"]), {a.pk: "3"}, s["head"], version=0)
    typed = cells(s["students"], "5", "7x", "", "", version=0)
    response = client.post(url("sheet", s["assessment"]), typed)
    assert response.status_code == 400
    # The page still carries the version the clerk loaded: fixing the cell and saving is caught.
    assert '<input type="hidden" name="version" value="0">' in response.content.decode()
    typed[f"grade-{b.pk}"] = "4"
    assert client.post(url("sheet", s["assessment"]), typed).status_code == 409
    assert grades(s["assessment"]) == {a.pk: "3"}


def test_a_grade_for_a_not_admitted_student_is_refused_by_the_service(client, s):
    a = s["students"][0]
    not_admitted(s, a, "invalid")
    client.force_login(s["dean"])
    response = client.post(url("sheet", s["assessment"]), {"version": "0", f"grade-{a.pk}": "5"})
    assert response.status_code == 400
    assert response.context["rows"][0].error
    assert not Grade.objects.exists()


def test_a_student_no_longer_on_the_sheet_is_reported(client, s):
    a = s["students"][0]
    stranger = factories.student()
    client.force_login(s["dean"])
    data = {"version": "0", f"grade-{a.pk}": "5", f"grade-{stranger.pk}": "4"}
    response = client.post(url("sheet", s["assessment"]), data)
    assert response.status_code == 400
    assert not Grade.objects.exists()
    assert len([m for m in response.context["messages"] if m.level_tag == "error"]) == 2


def page_form(client, assessment, attempt=Attempt.MAIN, response=None):
    """The sheet's form as the browser would post it, read from the page as rendered."""
    response = response or client.get(url("sheet", assessment, attempt))
    return submitted(response.content, form_id="sheet-form")


def test_a_stale_save_keeps_what_only_the_other_person_changed(client, s):
    # Head and clerk open the same sheet; the head saves A = 2; the clerk changes B and saves.
    a, b, c, d = s["students"]
    services.record_grades(sheet_of(s["assessment"]), {a.pk: "4", b.pk: "3"}, s["dean"], 0)
    client.force_login(s["dean"])
    form = page_form(client, s["assessment"])
    services.record_grades(sheet_of(s["assessment"]), {a.pk: "2"}, s["head"], version=1)

    form[f"grade-{b.pk}"] = "5"
    response = client.post(url("sheet", s["assessment"]), form, follow=True)

    assert response.redirect_chain, "saved and redirected"
    assert grades(s["assessment"]) == {a.pk: "2", b.pk: "5"}
    assert "Someone else saved 1 cell of this sheet meanwhile" in response.content.decode()
    # The head's 2 was never overwritten: one change of A, by the head.
    assert list(
        GradeChange.objects.filter(student=a).order_by("id").values_list("new_value", flat=True)
    ) == ["4", "2"]


def test_a_clash_shows_both_values_and_resubmitting_the_page_as_rendered_reverts_nothing(client, s):
    a, b, c, d = s["students"]
    services.record_grades(sheet_of(s["assessment"]), {a.pk: "4", b.pk: "3"}, s["dean"], 0)
    client.force_login(s["dean"])
    form = page_form(client, s["assessment"])
    services.record_grades(sheet_of(s["assessment"]), {a.pk: "2"}, s["head"], version=1)

    form[f"grade-{a.pk}"], form[f"grade-{b.pk}"] = "5", "4"
    response = client.post(url("sheet", s["assessment"]), form)

    assert response.status_code == 409
    assert grades(s["assessment"]) == {a.pk: "2", b.pk: "3"}, "nothing is written"
    rows = {row.student.pk: row for row in response.context["rows"]}
    assert rows[a.pk].conflict == {
        "mine": "5 — excellent",
        "theirs": "2 — unsatisfactory",
        "pick": "",
    }
    assert rows[b.pk].conflict is None and rows[b.pk].text == "4", "the clerk's own change stays"
    assert f'name="pick-{a.pk}"' in response.content.decode()

    # Sent again exactly as rendered: no choice made, so nothing is written, nobody reverted.
    again = page_form(client, s["assessment"], response=response)
    response = client.post(url("sheet", s["assessment"]), again)
    assert response.status_code == 400
    assert grades(s["assessment"]) == {a.pk: "2", b.pk: "3"}
    assert "Choose which value stays" in response.content.decode()

    # Choosing the head's value for A keeps it; B gets the clerk's 4.
    again = page_form(client, s["assessment"], response=response)
    again[f"pick-{a.pk}"] = "theirs"
    response = client.post(url("sheet", s["assessment"]), again)
    assert response.status_code == 302
    assert grades(s["assessment"]) == {a.pk: "2", b.pk: "4"}


def test_choosing_ones_own_value_in_a_clash_writes_it(client, s):
    a = s["students"][0]
    services.record_grades(sheet_of(s["assessment"]), {a.pk: "4"}, s["dean"], 0)
    client.force_login(s["dean"])
    form = page_form(client, s["assessment"])
    services.record_grades(sheet_of(s["assessment"]), {a.pk: "2"}, s["head"], version=1)
    form[f"grade-{a.pk}"] = "5"
    clash = client.post(url("sheet", s["assessment"]), form)
    again = page_form(client, s["assessment"], response=clash)
    again[f"pick-{a.pk}"] = "mine"
    assert client.post(url("sheet", s["assessment"]), again).status_code == 302
    assert grades(s["assessment"]) == {a.pk: "5"}


def test_a_stale_form_without_its_starting_values_is_refused_and_shown_as_stored(client, s):
    # A form from before the page sent what it started from: only the version guards it.
    a, b, c, d = s["students"]
    services.record_grades(sheet_of(s["assessment"]), {a.pk: "5", b.pk: "3"}, s["head"], 0)
    client.force_login(s["dean"])
    response = client.post(url("sheet", s["assessment"]), cells(s["students"], "4", "3", "5", ""))
    assert response.status_code == 409
    assert grades(s["assessment"]) == {a.pk: "5", b.pk: "3"}
    assert [row.text for row in response.context["rows"]] == ["5", "3", "", ""]
    # Sending that page back changes nothing.
    again = page_form(client, s["assessment"], response=response)
    assert client.post(url("sheet", s["assessment"]), again).status_code == 302
    assert grades(s["assessment"]) == {a.pk: "5", b.pk: "3"}


def test_a_locked_sheet_refuses_a_save(client, s):
    a = s["students"][0]
    sheet = sheet_of(s["assessment"])
    services.lock_sheet(sheet, s["head"])
    client.force_login(s["dean"])
    response = client.post(url("sheet", s["assessment"]), {"version": "1", f"grade-{a.pk}": "5"})
    assert response.status_code == 409
    assert not Grade.objects.exists()
    assert 'id="sheet-save"' not in response.content.decode()


def test_after_the_deadline_the_sheet_is_read_only_but_for_the_head(client, s):
    session = s["assessment"].session
    session.entry_deadline = datetime.date(2000, 1, 1)
    session.save()
    client.force_login(s["dean"])
    response = client.get(url("sheet", s["assessment"]))
    assert response.context["rights"].late and not response.context["rights"].edit
    assert 'id="sheet-save"' not in response.content.decode()
    a = s["students"][0]
    response = client.post(url("sheet", s["assessment"]), {"version": "0", f"grade-{a.pk}": "5"})
    assert response.status_code == 409
    client.force_login(s["head"])
    assert client.get(url("sheet", s["assessment"])).context["rights"].edit


# Who may see and change a sheet


def test_another_facultys_dean_office_gets_not_found(client, s):
    other = factories.user(role=roles.DEAN_OFFICE, faculty=factories.faculty())
    client.force_login(other)
    a = s["students"][0]
    for name in ("sheet", "sheet_history", "sheet_print"):
        assert client.get(url(name, s["assessment"])).status_code == 404
    assert (
        client.post(
            url("sheet", s["assessment"]), {"version": "0", f"grade-{a.pk}": "5"}
        ).status_code
        == 404
    )
    for name in ("sheet_submit", "sheet_lock", "sheet_reopen"):
        assert client.post(url(name, s["assessment"]), {"reason": "x"}).status_code == 404
    assert not Grade.objects.exists() and not GradeSheet.objects.exists()


@pytest.mark.parametrize("role", [roles.VICE_RECTOR, roles.ACADEMIC_DEPARTMENT])
def test_readers_see_the_sheet_read_only_and_cannot_save(client, s, role):
    client.force_login(factories.user(role=role))
    response = client.get(url("sheet", s["assessment"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="sheet-save"' not in html and 'id="sheet-submit"' not in html
    assert html.count(" disabled>") == len(s["students"])
    a = s["students"][0]
    response = client.post(url("sheet", s["assessment"]), {"version": "0", f"grade-{a.pk}": "5"})
    assert response.status_code == 403
    assert client.post(url("sheet_submit", s["assessment"])).status_code == 403
    assert not Grade.objects.exists()
    assert client.get(url("sheet_history", s["assessment"])).status_code == 200
    assert client.get(url("sheet_print", s["assessment"])).status_code == 200


# Submit, lock, reopen


def test_submitting_makes_the_sheet_read_only(client, s):
    client.force_login(s["dean"])
    response = client.post(url("sheet_submit", s["assessment"]))
    assert response.status_code == 302 and response.url == url("sheet", s["assessment"])
    assert GradeSheet.objects.get().status == SheetStatus.SUBMITTED
    response = client.get(url("sheet", s["assessment"]))
    html = response.content.decode()
    assert 'id="sheet-save"' not in html and 'id="sheet-submit"' not in html
    assert html.count(" disabled>") == len(s["students"])
    assert "banner-readonly" in html
    # A dean's office clerk may not reopen or lock it.
    assert 'id="sheet-reopen"' not in html
    assert client.post(url("sheet_reopen", s["assessment"]), {"reason": "typo"}).status_code == 403
    assert client.post(url("sheet_lock", s["assessment"])).status_code == 403
    assert GradeSheet.objects.get().status == SheetStatus.SUBMITTED


def test_submitting_twice_is_a_message_not_an_error(client, s):
    client.force_login(s["dean"])
    client.post(url("sheet_submit", s["assessment"]), follow=True)
    # E.g. from a second tab opened before the first submit.
    response = client.post(url("sheet_submit", s["assessment"]), follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert SheetEvent.objects.count() == 1


def test_reopening_needs_a_reason_and_the_heads_permission(client, s):
    sheet = services.submit_sheet(sheet_of(s["assessment"]), s["dean"])
    client.force_login(s["head"])
    html = client.get(url("sheet", s["assessment"])).content.decode()
    assert 'id="sheet-reopen"' in html and 'id="sheet-lock"' in html

    response = client.post(url("sheet_reopen", s["assessment"]), {"reason": "  "}, follow=True)
    assert GradeSheet.objects.get(pk=sheet.pk).status == SheetStatus.SUBMITTED
    assert any(m.level_tag == "error" for m in response.context["messages"])

    response = client.post(url("sheet_reopen", s["assessment"]), {"reason": "examiner's typo"})
    assert response.status_code == 302
    assert GradeSheet.objects.get(pk=sheet.pk).status == SheetStatus.DRAFT
    assert SheetEvent.objects.get(action="reopen").reason == "examiner's typo"


def test_the_head_locks_a_sheet(client, s):
    client.force_login(s["head"])
    assert client.post(url("sheet_lock", s["assessment"])).status_code == 302
    assert GradeSheet.objects.get().status == SheetStatus.LOCKED
    html = client.get(url("sheet", s["assessment"])).content.decode()
    assert 'id="sheet-lock"' not in html and 'id="sheet-reopen"' in html


def test_workflow_urls_take_only_post(client, s):
    client.force_login(s["head"])
    for name in ("sheet_submit", "sheet_lock", "sheet_reopen"):
        assert client.get(url(name, s["assessment"])).status_code == 405


# History and printout


def test_history_lists_changes_and_events_newest_first(client, s):
    a, b = s["students"][:2]
    sheet = sheet_of(s["assessment"])
    services.record_grades(sheet, {a.pk: "3"}, s["dean"], version=0)
    services.record_grades(sheet, {a.pk: "4", b.pk: "absent"}, s["dean"], version=1)
    sheet = services.submit_sheet(sheet, s["dean"])
    services.reopen_sheet(sheet, s["head"], "a late paper")
    client.force_login(s["dean"])
    response = client.get(url("sheet_history", s["assessment"]))
    assert response.status_code == 200
    changes = response.context["changes"]
    assert [(c["old"], c["new"]) for c in changes if c["change"].student == a] == [
        ("3 — satisfactory", "4 — good"),
        ("", "3 — satisfactory"),
    ]
    assert [e.action for e in response.context["events"]] == ["reopen", "submit"]
    html = response.content.decode()
    assert a.full_name in html and "a late paper" in html
    assert "4 — good" in html


def test_print_page_has_the_table_tally_and_signature_lines(client, s):
    a, b, c, d = s["students"]
    not_admitted(s, d, "invalid")
    services.record_grades(
        sheet_of(s["assessment"]), {a.pk: "5", b.pk: "5", c.pk: "absent"}, None, 0
    )
    client.force_login(s["dean"])
    response = client.get(url("sheet_print", s["assessment"]))
    assert response.status_code == 200
    tally = {item["value"]: item["count"] for item in response.context["tally"]}
    assert tally == {"5": 2, "4": 0, "3": 0, "2": 0, "absent": 1}
    assert response.context["not_admitted"] == 1
    html = response.content.decode()
    assert html.count('class="signature"') == 2
    assert "Асанов Болот" in html and a.record_book in html
    assert "5 — excellent" in html
    assert "EXAM GRADE SHEET" in html or "ЭКЗАМЕНДИК ВЕДОМОСТЬ" in html


def test_retake_sheet_shows_the_main_grade(client, s):
    a, b, c, d = s["students"]
    services.record_grades(sheet_of(s["assessment"]), {a.pk: "2", b.pk: "5"}, s["dean"], 0)
    client.force_login(s["dean"])
    response = client.get(url("sheet", s["assessment"], Attempt.RETAKE))
    assert response.status_code == 200
    rows = response.context["rows"]
    # Who owes after the main attempt: the 2, and the admitted with no main grade (DOMAIN.md).
    assert [row.student for row in rows] == [a, c, d]
    assert rows[0].main_label == "2 — unsatisfactory"
    assert rows[1].main_label == ""
    response = client.post(
        url("sheet", s["assessment"], Attempt.RETAKE), {"version": "0", f"grade-{a.pk}": "4"}
    )
    assert response.status_code == 302
    assert grades(s["assessment"], Attempt.RETAKE) == {a.pk: "4"}


def test_retake_sheet_writes_an_absent_main_grade_as_its_cell_does(client, s):
    # The phone's narrow column shows the main grade as typed in a cell ("н"), not the stored code.
    a, b, c, d = s["students"]
    services.record_grades(sheet_of(s["assessment"]), {a.pk: "absent", b.pk: "5"}, s["dean"], 0)
    client.force_login(s["dean"])
    response = client.get(url("sheet", s["assessment"], Attempt.RETAKE))
    row = response.context["rows"][0]
    assert (row.student, row.main_value) == (a, "н")
    assert '<span class="main-short" title="absent">н</span>' in response.content.decode()


# The cost of a save

# Whatever the number of students: the session and the user (2), the user's permissions (2),
# roles and faculty (2), the assessment and the sheet (2), then the grade service (the queries of
# test_services.SAVE_QUERIES but the permissions, roles and faculty, cached by then: 16), and the
# session's renewed expiry for the idle timeout (savepoint, update, release:
# SESSION_SAVE_EVERY_REQUEST).
SHEET_POST_QUERIES = 27


@pytest.mark.parametrize("size", [5, 30])
def test_a_save_costs_a_fixed_number_of_queries(client, size, django_assert_max_num_queries):
    s = build(size)
    students = s["students"]
    sheet = sheet_of(s["assessment"])
    services.record_grades(sheet, {st.pk: "3" for st in students[: size // 2]}, s["dean"], 0)
    client.force_login(s["dean"])
    with django_assert_max_num_queries(SHEET_POST_QUERIES):
        response = client.post(
            url("sheet", s["assessment"]), cells(students, *["4"] * size, version=1)
        )
    assert response.status_code == 302
    assert list(grades(s["assessment"]).values()) == ["4"] * size


# Retakes follow the main grade (DOMAIN.md: a blank main grade is owed; a main grade may not
# change so that an АКЖ grade is owed by nobody).


def test_a_corrected_main_grade_cannot_orphan_the_akzh_grade(client, s):
    a = s["students"][0]
    client.force_login(s["dean"])
    services.record_grades(sheet_of(s["assessment"]), {a.pk: "3"}, s["dean"], 0)
    services.record_grades(sheet_of(s["assessment"]), {a.pk: "2"}, s["dean"], 1)
    retake = sheet_of(s["assessment"], Attempt.RETAKE)
    services.record_grades(retake, {a.pk: "2"}, s["dean"], 0)

    form = page_form(client, s["assessment"])
    form[f"grade-{a.pk}"] = "5"
    response = client.post(url("sheet", s["assessment"]), form)

    assert response.status_code == 400
    errors = {row.student.pk: row.error for row in response.context["rows"] if row.error}
    assert errors[a.pk] == rules.retake_exists("2", s["assessment"].discipline.name).message
    assert "clear the АКЖ grade first" in errors[a.pk]
    assert grades(s["assessment"]) == {a.pk: "2"}
    assert grades(s["assessment"], Attempt.RETAKE) == {a.pk: "2"}
    # Cleared first, the main grade can then be corrected.
    form = page_form(client, s["assessment"], Attempt.RETAKE)
    form[f"grade-{a.pk}"] = ""
    assert client.post(url("sheet", s["assessment"], Attempt.RETAKE), form).status_code == 302
    form = page_form(client, s["assessment"])
    form[f"grade-{a.pk}"] = "5"
    assert client.post(url("sheet", s["assessment"]), form).status_code == 302
    assert grades(s["assessment"]) == {a.pk: "5"} and not grades(s["assessment"], "retake")


def test_an_akzh_grade_owed_by_nobody_is_shown_marked_and_can_only_be_cleared(client, s):
    # Data from before the rule: main 5 and an АКЖ 2, written straight into the table.
    a = s["students"][0]
    now = timezone.now()
    for attempt, value in (("main", "5"), ("retake", "2")):
        Grade.objects.create(
            assessment=s["assessment"], student=a, attempt=attempt, value=value, entered_at=now
        )
    client.force_login(s["dean"])
    response = client.get(url("sheet", s["assessment"], Attempt.RETAKE))
    rows = {row.student.pk: row for row in response.context["rows"]}
    assert rows[a.pk].stray and rows[a.pk].text == "2"
    assert "no longer owes" in response.content.decode()

    form = page_form(client, s["assessment"], Attempt.RETAKE, response=response)
    form[f"grade-{a.pk}"] = "4"
    refused = client.post(url("sheet", s["assessment"], Attempt.RETAKE), form)
    assert refused.status_code == 400
    assert "does not owe this assessment" in refused.content.decode()

    form[f"grade-{a.pk}"] = ""
    assert client.post(url("sheet", s["assessment"], Attempt.RETAKE), form).status_code == 302
    assert not grades(s["assessment"], Attempt.RETAKE)
    assert GradeChange.objects.get(attempt="retake").old_value == "2"


def test_a_blank_main_grade_is_owed_and_can_be_retaken(client, s):
    a, b = s["students"][:2]
    services.record_grades(sheet_of(s["assessment"]), {b.pk: "5"}, s["dean"], 0)
    client.force_login(s["dean"])
    response = client.get(url("sheet", s["assessment"], Attempt.RETAKE))
    listed = [row.student for row in response.context["rows"]]
    assert a in listed and b not in listed

    form = page_form(client, s["assessment"], Attempt.RETAKE, response=response)
    form[f"grade-{a.pk}"] = "4"
    assert client.post(url("sheet", s["assessment"], Attempt.RETAKE), form).status_code == 302
    assert grades(s["assessment"], Attempt.RETAKE) == {a.pk: "4"}
    owing = {row.student for row in owing_students(s["assessment"].session, "after", s["group"])}
    assert a not in owing, "the АКЖ grade clears the debt after АКЖ"


# A refused request writes nothing.


@pytest.mark.parametrize("attempt", [Attempt.MAIN, Attempt.RETAKE])
def test_a_readers_refused_save_or_submit_makes_no_sheet(client, s, attempt):
    client.force_login(factories.user(role=roles.VICE_RECTOR))
    a = s["students"][0]
    post = {"version": "0", f"grade-{a.pk}": "5"}
    assert client.post(url("sheet", s["assessment"], attempt), post).status_code == 403
    assert client.post(url("sheet_submit", s["assessment"], attempt)).status_code == 403
    assert client.post(url("sheet_lock", s["assessment"], attempt)).status_code == 403
    assert not GradeSheet.objects.exists()
    assert not Grade.objects.exists()


def test_a_refused_save_writes_no_sheet_and_no_admission(client, s):
    # A student who joined the group after admission was opened, and a bad cell: nothing.
    newcomer = factories.student(group=s["group"], full_name="Яковлев Ян")
    client.force_login(s["dean"])
    response = client.post(
        url("sheet", s["assessment"]), {"version": "0", f"grade-{newcomer.pk}": "x"}
    )
    assert response.status_code == 400
    assert not GradeSheet.objects.exists()
    refused = client.post(
        url("sheet", s["assessment"]),
        {"version": "0", f"grade-{s['students'][0].pk}": "5", f"grade-{newcomer.pk}": "+"},
    )
    assert refused.status_code == 400
    assert not GradeSheet.objects.exists() and not Grade.objects.exists()
