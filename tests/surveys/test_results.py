"""The answer shares: of those who answered the question, rounded half up to 2 decimals, in a fixed
number of queries; the dashboard's shares and the seed report's sentence."""

from decimal import Decimal

import pytest
from django.utils import timezone, translation

from surveys import results
from surveys.choices import QuestionKind, Source
from surveys.importer import import_survey
from surveys.models import Answer, Option, Question, Response, Survey
from tests import factories

from .exports import IDEAS, IDEAS_Q, SCALE_Q, csv_bytes

pytestmark = pytest.mark.django_db

SEED_SCALE = ["эң жакшы", "жакшы", "канааттандырарлык", "жаман", "өтө жаман"]


def make_survey(title="Сурамжылоо", questions=(), **kw):
    """`questions`: (text, kind, {option: count}); each count is of separate responses."""
    survey = Survey.objects.create(title=title, **kw)
    for order, (text, kind, counts) in enumerate(questions, start=1):
        question = Question.objects.create(survey=survey, order=order, text=text, kind=kind)
        for n, (option_text, count) in enumerate(counts.items(), start=1):
            option = Option.objects.create(question=question, order=n, text=option_text)
            for _i in range(count):
                response = Response.objects.create(
                    survey=survey, submitted_at=timezone.now(), source=Source.PORTAL
                )
                Answer.objects.create(response=response, question=question, option=option)
    return survey


def shares(question):
    return [(a["option"], a["count"], a["pct"]) for a in question["answers"]]


def test_shares_of_the_imported_export_are_of_those_who_answered():
    survey = import_survey(csv_bytes(), "answers.csv", "Жайкы сессия").survey
    data = results.survey_results(survey)
    assert data["title"] == "Жайкы сессия"
    assert data["responses"] == 14
    scale, fair, trouble, ideas = data["questions"]
    assert (scale["text"], scale["kind"], scale["answered"]) == (SCALE_Q, "single", 13)
    assert shares(scale) == [
        ("Эң жакшы", 5, Decimal("38.46")),  # 5 / 13, not 5 / 14
        ("Жакшы", 5, Decimal("38.46")),
        ("Канааттандырарлык", 1, Decimal("7.69")),
        ("Жаман", 1, Decimal("7.69")),
        ("Өтө жаман", 1, Decimal("7.69")),
    ]
    assert fair["answered"] == 13
    assert shares(fair) == [("Ооба", 4, Decimal("30.77")), ("Жок", 9, Decimal("69.23"))]
    # Multiple choice: shares of the 12 who answered, adding up to more than 100.
    assert trouble["answered"] == 12
    assert shares(trouble) == [
        ("Жадыбал", 6, Decimal("50.00")),
        ("Аудитория", 6, Decimal("50.00")),
        ("Окутуучулар", 4, Decimal("33.33")),
    ]
    assert (ideas["text"], ideas["kind"], ideas["answered"], ideas["answers"]) == (
        IDEAS_Q,
        "text",
        12,
        [],
    )
    assert "texts" not in ideas
    with_texts = results.survey_results(survey, with_texts=True)["questions"][3]
    assert sorted(with_texts["texts"]) == sorted(IDEAS)


def test_rounding_is_half_up_to_two_decimals():
    # 1 / 32 = 3.125 % -> 3.13 (half to even would give 3.12); 31 / 32 = 96.875 % -> 96.88.
    survey = make_survey(questions=[("Q", QuestionKind.YES_NO, {"ооба": 1, "жок": 31})])
    question = results.survey_results(survey)["questions"][0]
    assert shares(question) == [("ооба", 1, Decimal("3.13")), ("жок", 31, Decimal("96.88"))]


def test_a_question_nobody_answered_has_zero_shares():
    survey = make_survey(questions=[("Q", QuestionKind.SINGLE, {"а": 0, "б": 0})])
    question = results.survey_results(survey)["questions"][0]
    assert question["answered"] == 0
    assert shares(question) == [("а", 0, Decimal("0.00")), ("б", 0, Decimal("0.00"))]
    assert results.summary_line(question) == ""


def test_the_number_of_queries_does_not_grow_with_the_questions(django_assert_num_queries):
    small = make_survey("small", [("Q1", QuestionKind.SINGLE, {"а": 2, "б": 1})])
    big = make_survey(
        "big",
        [(f"Q{n}", QuestionKind.SINGLE, {"а": 2, "б": n}) for n in range(8)]
        + [("T", QuestionKind.TEXT, {})],
    )
    with django_assert_num_queries(5):
        results.survey_results(small)
    with django_assert_num_queries(5):
        results.survey_results(big)
    with django_assert_num_queries(6):
        results.survey_results(big, with_texts=True)


def test_summary_line_reads_like_the_seed_report():
    counts = dict(zip(SEED_SCALE, [34, 53, 7, 3, 3], strict=True))
    survey = make_survey(questions=[("БМА", QuestionKind.SINGLE, counts)])
    question = results.survey_results(survey)["questions"][0]
    with translation.override("ky"):
        line = results.summary_line(question)
    assert line == (
        "34% — эң жакшы, 53% — жакшы, 7% — канааттандырарлык, 3% — жаман, 3% — өтө жаман"
    )


def test_summary_line_keeps_decimals_with_the_languages_separator():
    survey = make_survey(questions=[("Q", QuestionKind.YES_NO, {"ооба": 1, "жок": 2})])
    question = results.survey_results(survey)["questions"][0]
    with translation.override("ky"):
        assert results.summary_line(question) == "33,33% — ооба, 66,67% — жок"
    with translation.override("en"):
        assert results.summary_line(question) == "33.33% — ооба, 66.67% — жок"


def test_dashboard_shares_of_a_year_and_term(django_assert_num_queries):
    y2023, y2022 = factories.academic_year(2023), factories.academic_year(2022)
    summer = make_survey(
        "summer",
        [("Q", QuestionKind.SINGLE, {"жакшы": 3, "жаман": 1}), ("T", QuestionKind.TEXT, {})],
        academic_year=y2023,
        term=2,
        about="exam_session",
    )
    make_survey("winter", [("Q", QuestionKind.SINGLE, {"жакшы": 1})], academic_year=y2023, term=1)
    make_survey("old", [("Q", QuestionKind.SINGLE, {"жакшы": 1})], academic_year=y2022, term=2)
    with django_assert_num_queries(5):
        shares_2023_2 = results.dashboard_shares(academic_year=y2023, term=2)
    assert len(shares_2023_2) == 1
    item = shares_2023_2[0]
    assert (item["survey"], item["title"], item["about"], item["responses"]) == (
        summer,
        "summer",
        "exam_session",
        4,
    )
    # Choice questions only.
    assert [q["text"] for q in item["questions"]] == ["Q"]
    assert shares(item["questions"][0]) == [
        ("жакшы", 3, Decimal("75.00")),
        ("жаман", 1, Decimal("25.00")),
    ]
    assert [s["title"] for s in results.dashboard_shares("2023-2024")] == ["winter", "summer"]
    assert [s["title"] for s in results.dashboard_shares()] == ["old", "winter", "summer"]
    for n in range(12):
        make_survey(f"more {n}", [("Q", QuestionKind.SINGLE, {"а": 1})])
    with django_assert_num_queries(5):
        recent = results.dashboard_shares()
    assert len(recent) == results.RECENT_SURVEYS
