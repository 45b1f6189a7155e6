"""The import of a Google Forms export: kinds inferred, options in their scale's order, answers
kept as given (commas and quotes in free text, a row per chosen option, empty answers left out),
a second import adding nothing, and a broken file writing nothing and saying where."""

import pytest

from surveys import importer
from surveys.choices import QuestionKind, Source
from surveys.importer import SurveyRefused, import_survey, infer
from surveys.models import Answer, Option, Question, Response, Survey
from tests import factories

from .exports import (
    FAIR_Q,
    IDEAS,
    IDEAS_Q,
    QUESTIONS,
    ROWS,
    SCALE_Q,
    TROUBLE_Q,
    csv_bytes,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

TITLE = "Студенттердин көз карашы менен — жайкы сессия 2024"


def options(text):
    return list(Question.objects.get(text=text).options.values_list("text", flat=True))


def test_csv_export_becomes_questions_of_the_inferred_kinds():
    year = factories.academic_year(2023)
    result = import_survey(
        csv_bytes(), "answers.csv", TITLE, about="exam_session", academic_year=year, term=2
    )
    survey = result.survey
    assert (result.created, result.added, result.skipped) == (True, 14, 0)
    assert (survey.about, survey.academic_year, survey.term) == ("exam_session", year, 2)
    assert [(q.order, q.text, q.kind) for q in survey.questions.all()] == [
        (1, SCALE_Q, QuestionKind.SINGLE),
        (2, FAIR_Q, QuestionKind.YES_NO),
        (3, TROUBLE_Q, QuestionKind.MULTIPLE),
        (4, IDEAS_Q, QuestionKind.TEXT),
    ]
    # The scale's order, not the order of first appearance ("Жакшы" came first).
    assert options(SCALE_Q) == ["Эң жакшы", "Жакшы", "Канааттандырарлык", "Жаман", "Өтө жаман"]
    assert options(FAIR_Q) == ["Ооба", "Жок"]
    assert options(TROUBLE_Q) == ["Жадыбал", "Аудитория", "Окутуучулар"]
    assert options(IDEAS_Q) == []
    assert Response.objects.filter(survey=survey, source=Source.IMPORT).count() == 14


def test_answers_are_kept_as_given():
    survey = import_survey(csv_bytes(), "answers.csv", TITLE).survey
    first = Response.objects.filter(survey=survey).order_by("submitted_at").first()
    # The export's local time, Asia/Bishkek (UTC+6).
    assert first.submitted_at.isoformat() == "2024-06-12T03:00:00+00:00"
    # Free text with commas and quotes, whole.
    texts = set(Answer.objects.filter(question__text=IDEAS_Q).values_list("text", flat=True))
    assert texts == set(IDEAS)
    # A multiple-choice answer is a row per chosen option.
    row8 = Response.objects.filter(survey=survey).order_by("submitted_at")[7]
    chosen = row8.answers.filter(question__text=TROUBLE_Q).values_list("option__text", flat=True)
    assert sorted(chosen) == ["Аудитория", "Жадыбал", "Окутуучулар"]
    # Empty answers write nothing: 13 of 14 answered the scale, 12 the free text.
    assert Answer.objects.filter(question__text=SCALE_Q).count() == 13
    assert Answer.objects.filter(question__text=IDEAS_Q).count() == 12
    # Жадыбал 6, Аудитория 6, Окутуучулар 4 among 12 who answered.
    assert Answer.objects.filter(question__text=TROUBLE_Q).count() == 16


def test_importing_the_same_file_again_adds_nothing():
    import_survey(csv_bytes(), "answers.csv", TITLE)
    counts = (Response.objects.count(), Answer.objects.count(), Option.objects.count())
    again = import_survey(csv_bytes(), "answers.csv", TITLE)
    assert (again.created, again.added, again.skipped) == (False, 0, 14)
    assert (Response.objects.count(), Answer.objects.count(), Option.objects.count()) == counts


def test_the_xlsx_export_of_the_same_answers_adds_nothing_to_the_csv_import():
    import_survey(csv_bytes(), "answers.csv", TITLE)
    again = import_survey(xlsx_bytes(), "answers.xlsx", TITLE)
    assert (again.added, again.skipped) == (0, 14)
    assert Response.objects.count() == 14


def test_a_longer_export_adds_only_the_new_rows_and_new_options():
    import_survey(csv_bytes(), "answers.csv", TITLE)
    longer = [*ROWS, ("Жакшы", "Жок", "Жатакана", "Баары жакшы, рахмат!"), ROWS[0]]
    result = import_survey(csv_bytes(longer), "answers-2.csv", TITLE)
    assert (result.added, result.skipped) == (2, 14)
    assert options(TROUBLE_Q) == ["Жадыбал", "Аудитория", "Окутуучулар", "Жатакана"]
    assert Response.objects.count() == 16


def test_identical_rows_in_one_second_are_two_answers():
    rows = [ROWS[0], ROWS[0]]
    data = csv_bytes(rows).replace(b"09:07:01", b"09:00:00")
    assert import_survey(data, "same.csv", TITLE).added == 2
    assert import_survey(data, "same.csv", TITLE).added == 0


def test_xlsx_export_imports_like_the_csv():
    survey = import_survey(xlsx_bytes(), "answers.xlsx", TITLE).survey
    assert [q.kind for q in survey.questions.all()] == [
        QuestionKind.SINGLE,
        QuestionKind.YES_NO,
        QuestionKind.MULTIPLE,
        QuestionKind.TEXT,
    ]
    assert Response.objects.filter(survey=survey).count() == 14
    assert Answer.objects.filter(question__text=SCALE_Q).count() == 13


def test_a_chosen_kind_overrides_the_inferred_one():
    survey = import_survey(csv_bytes(), "answers.csv", TITLE, kinds={3: QuestionKind.TEXT}).survey
    question = survey.questions.get(order=3)
    assert question.kind == QuestionKind.TEXT
    assert not question.options.exists()
    assert Answer.objects.filter(question=question, text="Жадыбал, Аудитория").count() == 1


def test_yes_no_cannot_be_chosen_for_other_answers():
    with pytest.raises(SurveyRefused) as refused:
        import_survey(csv_bytes(), "answers.csv", TITLE, kinds={1: QuestionKind.YES_NO})
    assert "row 2, column B" in refused.value.messages[0]
    assert not Survey.objects.exists()


def test_the_e_mail_column_of_an_anonymous_survey_is_left_out():
    header = ("Отметка времени", "Адрес электронной почты", *QUESTIONS)
    rows = [(f"s{n}@example.kg", *row) for n, row in enumerate(ROWS)]
    survey = import_survey(csv_bytes(rows, header=header), "answers.csv", TITLE).survey
    assert list(survey.questions.values_list("text", flat=True)) == QUESTIONS
    assert not Answer.objects.filter(text__contains="@").exists()


@pytest.mark.parametrize(
    "values, kind, opts",
    [
        (["Нет", "Да", "Нет"], QuestionKind.YES_NO, ["Да", "Нет"]),
        (["хорошо", "отлично", "плохо"], QuestionKind.SINGLE, ["отлично", "хорошо", "плохо"]),
        (["Б", "А", "Б", "В"], QuestionKind.SINGLE, ["Б", "А", "В"]),
        (["4", "5", "3", "5"], QuestionKind.SINGLE, ["3", "4", "5"]),
        ([f"ответ {n}" for n in range(11)], QuestionKind.TEXT, []),
        (["А", "Б", "А, Б"], QuestionKind.MULTIPLE, ["А", "Б"]),
        # A comma in a free-text answer whose parts were never given alone is not a choice.
        (["Жакшы", "Жакшы, бирок кеч", "Жаман"], QuestionKind.SINGLE, None),
        (["x" * 130, "Жок"], QuestionKind.TEXT, []),
        ([], QuestionKind.TEXT, []),
    ],
)
def test_infer(values, kind, opts):
    inferred_kind, inferred_options = infer(values)
    assert inferred_kind == kind
    if opts is not None:
        assert inferred_options == opts


def broken_header():
    return csv_bytes(header=("Аты-жөнү", *QUESTIONS))


@pytest.mark.parametrize(
    "data, name, expected",
    [
        (b"", "empty.csv", ["“empty.csv”", "empty"]),
        (b"%PDF-1.4\x00\x01\x02binary", "report.pdf", ["“report.pdf”", "neither a CSV"]),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls", ["“old.xls”", ".xls"]),
        (b"PK\x03\x04not really a zip", "fake.xlsx", ["“fake.xlsx”", ".xlsx"]),
        (None, "no-timestamp.csv", ["“no-timestamp.csv”", "row 1, column A", "timestamp"]),
        (
            csv_bytes(header=("Отметка времени", SCALE_Q, FAIR_Q, SCALE_Q, IDEAS_Q)),
            "twice.csv",
            ["row 1, column D", "column B"],
        ),
        (csv_bytes(encoding="cp1251", bom=False), "cp1251.csv", ["row 1", "UTF-8"]),
        (csv_bytes(rows=[]), "header-only.csv", ["no answers"]),
    ],
)
def test_a_broken_file_writes_nothing_and_says_where(data, name, expected):
    if data is None:
        data = broken_header()
    with pytest.raises(SurveyRefused) as refused:
        import_survey(data, name, TITLE)
    message = " ".join(refused.value.messages)
    for part in expected:
        assert part in message
    assert not Survey.objects.exists()
    assert not Response.objects.exists()


def test_one_bad_row_writes_nothing_even_into_an_existing_survey():
    import_survey(csv_bytes(), "answers.csv", TITLE)
    longer = [*ROWS, ("Жакшы", "Жок", "", "")]
    data = csv_bytes(longer).replace(b"12.06.2024 10:38:14", b"kecheee")
    with pytest.raises(SurveyRefused) as refused:
        import_survey(data, "answers.csv", TITLE)
    assert "row 16, column A “Отметка времени”" in refused.value.messages[0]
    assert "kecheee" in refused.value.messages[0]
    assert Response.objects.count() == 14


def test_another_questionnaire_cannot_go_into_an_existing_survey():
    import_survey(csv_bytes(), "answers.csv", TITLE)
    other = csv_bytes(header=("Отметка времени", "Башка суроо", FAIR_Q, TROUBLE_Q, IDEAS_Q))
    with pytest.raises(SurveyRefused) as refused:
        import_survey(other, "other.csv", TITLE)
    assert "other questions" in refused.value.messages[0]
    assert Response.objects.count() == 14


def test_an_excel_semicolon_csv_is_read():
    data = csv_bytes().decode("utf-8-sig")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(data)))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    survey = import_survey(out.getvalue().encode(), "excel.csv", TITLE).survey
    assert survey.questions.count() == 4
    assert Response.objects.count() == 14


def test_where_names_file_row_and_column():
    assert importer.where("a.csv", 3, 2, "Суроо") == "“a.csv”, row 3, column C “Суроо”"
