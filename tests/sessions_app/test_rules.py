"""The grade rules (sessions_app.rules) over plain values: each case as DOMAIN.md states it."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from sessions_app import rules
from sessions_app.choices import GradeValue
from sessions_app.rules import MAIN, RETAKE, SheetState, Standing

EXAM = "exam"
OPEN = {MAIN: "draft", RETAKE: ""}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def admitted(main_value="", retake_value="", retake_admitted=None):
    return Standing(True, "", retake_admitted, "", main_value, retake_value)


def not_admitted(reason="valid", retake_admitted=None, retake_value=""):
    return Standing(False, reason, retake_admitted, "", "", retake_value)


@pytest.mark.parametrize(
    "standing, owes",
    [
        (admitted("5"), False),
        (admitted("3"), False),
        (admitted("pass"), False),
        (admitted("2"), True),
        (admitted("fail"), True),
        (admitted("absent"), True),
        (admitted(""), True),  # a blank main grade of an admitted student is owed
        (not_admitted(), False),
        (not_admitted(retake_admitted=True), True),  # not admitted, then admitted to АКЖ
        (not_admitted(retake_admitted=False), False),
        (Standing(), False),  # outside the group's contingent
    ],
)
def test_who_owes_after_the_main_attempt(standing, owes):
    assert rules.owes_after_main(standing) is owes


def test_the_akzh_sheet_lists_who_owes_and_who_holds_an_akzh_grade():
    assert rules.sheet_row(admitted("2"), RETAKE) == (True, "")
    assert rules.sheet_row(admitted(""), RETAKE) == (True, "")
    assert rules.sheet_row(admitted("4"), RETAKE) is None
    assert rules.sheet_row(admitted("4", "3"), RETAKE) == (True, ""), "a stray АКЖ grade shows"
    assert rules.sheet_row(not_admitted("invalid"), MAIN) == (False, "invalid")
    assert rules.sheet_row(Standing(), MAIN) is None
    # Admitted to АКЖ as to the session, unless the АКЖ row says otherwise.
    assert rules.sheet_row(admitted("2", retake_admitted=False), RETAKE) == (False, "")


def refuse(standing, attempt, value, statuses=OPEN, deadline=None, kind=EXAM):
    refusal = rules.refuse_grade(kind, "Physics", standing, attempt, value, statuses, deadline)
    return refusal.code if refusal else None


def test_what_a_grade_may_become():
    assert refuse(admitted(""), MAIN, "5") is None
    assert refuse(Standing(), MAIN, "5") == rules.NOT_ON_SHEET
    assert refuse(admitted(""), MAIN, "pass") == rules.NOT_ALLOWED
    assert refuse(admitted(""), MAIN, "5", kind="credit") == rules.NOT_ALLOWED
    assert refuse(not_admitted(), MAIN, "5") == rules.NOT_ADMITTED
    assert refuse(admitted("2", "3"), MAIN, "4") == rules.RETAKE_EXISTS
    assert refuse(admitted("2", "3"), MAIN, "absent") is None, "still owed: the АКЖ grade stands"
    assert refuse(admitted("2", "3"), MAIN, "") is None, "a blank main grade is owed too"
    assert refuse(admitted("5"), RETAKE, "4") == rules.NOT_OWED
    assert refuse(admitted("5", "4"), RETAKE, "") is None, "a stray АКЖ grade can be cleared"
    assert refuse(admitted("5", "4"), RETAKE, "3") == rules.NOT_OWED
    assert refuse(admitted(""), RETAKE, "4") is None
    assert refuse(not_admitted(retake_admitted=True), RETAKE, "4") is None
    assert refuse(admitted("2", retake_admitted=False), RETAKE, "4") == rules.NOT_ADMITTED


def test_a_closed_sheet_or_a_passed_deadline_refuses_the_whole_sheet():
    for status in ("submitted", "locked"):
        refusal = rules.refuse_grade(
            EXAM, "Physics", admitted(""), MAIN, "5", {MAIN: status, RETAKE: ""}
        )
        assert refusal.code == rules.SHEET_CLOSED and refusal.whole_sheet
        assert status in refusal.message and "until it is reopened" in refusal.message
    late = rules.refuse_grade(
        EXAM, "Physics", admitted(""), MAIN, "5", OPEN, datetime.date(2024, 6, 20)
    )
    assert late.code == rules.DEADLINE and late.whole_sheet


def test_a_main_grade_may_not_change_a_closed_akzh_sheets_list():
    locked_retake = {MAIN: "draft", RETAKE: "locked"}
    # 5 -> 2 would put the student on the locked АКЖ sheet; 5 -> 4 leaves it as it is.
    assert refuse(admitted("5"), MAIN, "2", locked_retake) == rules.RETAKE_SHEET_CLOSED
    assert refuse(admitted("5"), MAIN, "4", locked_retake) is None
    assert refuse(admitted("2"), MAIN, "absent", locked_retake) is None


def sheets(*standings, statuses=OPEN):
    return [SheetState(f"Discipline {n}", st, statuses) for n, st in enumerate(standings)]


def code(*args, **kwargs):
    refusal = rules.refuse_admission(*args, **kwargs)
    return refusal.code if refusal else ""


def test_what_an_admission_may_become():
    assert code(MAIN, False, "", sheets(admitted(""))) == rules.REASON_REQUIRED
    assert code(MAIN, False, "invalid", sheets(admitted(""))) == ""
    assert code(MAIN, False, "invalid", sheets(admitted("3"))) == rules.HAS_GRADE
    assert code(RETAKE, False, "invalid", sheets(admitted("2", "4"))) == rules.HAS_GRADE
    # Not admitted to the session but admitted to АКЖ and graded there: re-marking the АКЖ
    # admission leaves the АКЖ grade; the main admission may not orphan it either.
    taken = not_admitted(retake_admitted=True, retake_value="4")
    assert code(RETAKE, False, "valid", sheets(taken)) == rules.HAS_GRADE
    assert code(MAIN, True, "", sheets(taken)) == "", "admitted now: the blank main is owed"
    assert code(MAIN, False, "valid", [], in_group=False) == rules.NOT_IN_GROUP


def test_an_admission_may_not_change_a_row_of_a_closed_sheet():
    locked = {MAIN: "locked", RETAKE: ""}
    refusal = rules.refuse_admission(MAIN, False, "invalid", sheets(admitted(""), statuses=locked))
    assert refusal.code == rules.ROW_ON_CLOSED_SHEET
    assert "reopen the sheet first" in refusal.message
    back = rules.refuse_admission(MAIN, True, "", sheets(not_admitted(), statuses=locked))
    assert back.code == rules.ROW_ON_CLOSED_SHEET
    # A reason's kind is on the sheet too.
    kind = rules.refuse_admission(
        MAIN, False, "valid", sheets(not_admitted("invalid"), statuses=locked)
    )
    assert kind.code == rules.ROW_ON_CLOSED_SHEET
    # An АКЖ sheet that is locked: admitting to АКЖ one who was not admitted adds a row to it.
    retake_locked = {MAIN: "draft", RETAKE: "locked"}
    adds = rules.refuse_admission(RETAKE, True, "", sheets(not_admitted(), statuses=retake_locked))
    assert adds.code == rules.ROW_ON_CLOSED_SHEET


def test_a_student_with_grades_in_a_group_is_not_moved_out_of_it():
    moved = rules.refuse_move(sheets(admitted("4")), sheets(Standing()), True, "")
    assert moved.code == rules.MOVED_WITH_GRADE
    assert rules.refuse_move(sheets(admitted("")), sheets(Standing()), True, "") is None
    into_locked = rules.refuse_move(
        sheets(admitted("")), sheets(Standing(), statuses={MAIN: "locked"}), True, ""
    )
    assert into_locked.code == rules.ROW_ON_CLOSED_SHEET


def test_the_sql_list_of_the_passing_grades():
    assert rules.sql_list(rules.PASSING) == "'5', '4', '3', 'pass'"


# The words people write for each grade: one table


@pytest.mark.parametrize(
    "written, key",
    [
        ("Удовл.", "удовл"),
        ("  Н / Я ", "н/я"),
        ("эң  жак.", "эң жак"),
        ("Не\tзач.", "не зач"),
        ("«Зачёт»", "зачет"),
        ("\u2212", "-"),
        ("87.0", "87.0"),
    ],
)
def test_a_written_grade_is_compared_without_case_yo_spaces_quotes_or_ending_dots(written, key):
    assert rules.grade_key(written) == key


def test_every_grade_value_has_its_digit_or_word_and_each_word_one_value():
    assert set(rules.GRADE_WORDS) == set(GradeValue.values)
    for value, words in rules.GRADE_WORDS.items():
        assert value in words or str(GradeValue(value).label) in words
        for word in words:
            assert rules.grade_word(word) == value


@pytest.mark.parametrize(
    "value, words",
    [
        ("5", ["отлично", "отл", "эң жакшы", "эң жак.", "excellent"]),
        ("4", ["хорошо", "хор", "жакшы", "жак.", "good"]),
        ("3", ["удовлетворительно", "удовл", "уд", "канааттандырарлык", "канаат.", "кан."]),
        ("2", ["неудовлетворительно", "неуд", "канааттандырарлык эмес", "unsatisfactory"]),
        ("absent", ["неявка", "н/я", "н", "келген жок", "к/ж", "absent"]),
        ("pass", ["зачтено", "зачет", "зач", "сынак", "сыналды", "pass"]),
        ("fail", ["не зачтено", "незачтено", "незач", "не зач", "сыналган жок", "fail"]),
    ],
)
def test_the_usual_words_and_short_forms_are_in_the_table(value, words):
    assert [rules.grade_word(word) for word in words] == [value] * len(words)


def test_a_word_given_to_two_grades_is_a_configuration_error(monkeypatch):
    monkeypatch.setitem(rules.GRADE_WORDS, "4", (*rules.GRADE_WORDS["4"], "Отл."))
    with pytest.raises(ImproperlyConfigured, match="Отл"):
        rules._word_lookup()


@pytest.mark.parametrize(
    "written, value",
    [
        ("5 (excellent)", "5"),
        ("5 (эң жакшы)", "5"),
        ("3 (удовл.)", "3"),
        ("2 — неуд", "2"),
        ("5 (хорошо)", None),  # the digit and the word disagree
        ("- 5", None),
    ],
)
def test_a_digit_with_its_word_stands_for_the_grade_when_both_agree(written, value):
    assert rules.grade_word(written) == value
