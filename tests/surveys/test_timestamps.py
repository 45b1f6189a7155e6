"""Every timestamp the form services write is read as the same moment of the university's time
zone (Asia/Bishkek, UTC+6): Google Forms' CSV from English, Russian and Kyrgyz accounts, its
sheet downloaded in the United States', Britain's and Russia's forms, offsets, and Microsoft
Forms' workbook with its own columns."""

import csv
import datetime
import io

import pytest
from openpyxl import Workbook

from surveys.importer import SurveyRefused, import_survey
from surveys.models import Question, Response
from surveys.timestamps import DAY_FIRST, MONTH_FIRST, parse_moment, slash_order

from .exports import QUESTIONS, ROWS, TITLE_FOR_TESTS

# 24 June 2024, 22:34:07 in Osh, and the same moment in UTC.
LOCAL = "2024-06-24T22:34:07+06:00"
UTC = datetime.datetime(2024, 6, 24, 16, 34, 7, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "text, order",
    [
        ("2024/06/24 10:34:07 PM GMT+6", MONTH_FIRST),  # Google Forms CSV, English account
        ("2024/06/24 10:34:07 pm GMT+06:00", MONTH_FIRST),
        ("2024/06/24 10:34:07 P.M. GMT+6", MONTH_FIRST),
        ("2024/06/24 9:34:07 PM GMT+5", MONTH_FIRST),  # an account set to Tashkent
        ("2024/06/24 4:34:07 PM GMT", MONTH_FIRST),
        ("2024/06/24 22:34:07 GMT+6", MONTH_FIRST),  # 24-hour clock with an offset
        ("24.06.2024 22:34:07", MONTH_FIRST),  # Russian and Kyrgyz accounts and sheets
        ("24.06.2024 22:34:07 GMT+6", MONTH_FIRST),
        ("24.06.24 22:34:07", MONTH_FIRST),
        ("24.06.2024, 22:34:07", MONTH_FIRST),
        ("6/24/2024 22:34:07", MONTH_FIRST),  # a sheet in the United States' form
        ("6/24/24 10:34:07 PM", MONTH_FIRST),  # Microsoft Forms' CSV copy
        ("24/06/2024 22:34:07", DAY_FIRST),  # a sheet in Britain's form
        ("2024-06-24 22:34:07", MONTH_FIRST),
        ("2024-06-24T16:34:07Z", MONTH_FIRST),
        ("2024-06-24T22:34:07+06:00", MONTH_FIRST),
        ("2024-06-24 18:34:07 +02:00", MONTH_FIRST),
        ("24.06.2024 10:34:07 ПП", MONTH_FIRST),
        ("24.06.2024 10:34:07 түштөн кийин", MONTH_FIRST),
        ("  2024/06/24   10:34:07  PM  GMT+6 ", MONTH_FIRST),
    ],
)
def test_every_written_form_is_the_same_moment(text, order):
    moment = parse_moment(text, order)
    assert moment == UTC
    assert moment.isoformat() == LOCAL  # kept in the university's time zone


def test_midnight_and_noon_on_the_12_hour_clock():
    assert parse_moment("2024/06/24 12:05:00 AM GMT+6").hour == 0
    assert parse_moment("2024/06/24 12:05:00 PM GMT+6").hour == 12
    assert parse_moment("24.06.2024 12:05:00 таңкы").hour == 0


@pytest.mark.parametrize(
    "value", ["2024-06-24", datetime.date(2024, 6, 24), datetime.datetime(2024, 6, 24)]
)
def test_a_date_alone_is_the_start_of_the_day_in_osh(value):
    assert parse_moment(value).isoformat() == "2024-06-24T00:00:00+06:00"


def test_a_workbook_cell_with_a_zone_is_moved_into_the_university_time():
    cell = datetime.datetime(2024, 6, 24, 16, 34, 7, tzinfo=datetime.UTC)
    assert parse_moment(cell).isoformat() == LOCAL


@pytest.mark.parametrize(
    "text",
    ["yesterday", "31.02.2024 10:00:00", "2024/06/24 13:00:00 PM", "24.06.2024 25:00", "GMT+6"],
)
def test_what_is_not_a_moment(text):
    assert parse_moment(text) is None


def test_the_file_decides_whether_its_slashed_dates_begin_with_the_day():
    assert slash_order(["6/4/2024 10:00:00", "6/24/2024 10:00:00"]) == MONTH_FIRST
    assert slash_order(["6/4/2024 10:00:00", "24/6/2024 10:00:00"]) == DAY_FIRST
    assert parse_moment("6/4/2024 10:00:00", DAY_FIRST).month == 4
    assert parse_moment("6/4/2024 10:00:00", MONTH_FIRST).month == 6


def google_csv(stamps, header="Timestamp"):
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header, *QUESTIONS])
    for stamp, row in zip(stamps, ROWS, strict=False):
        writer.writerow([stamp, *row])
    return out.getvalue().encode()


@pytest.mark.django_db
def test_google_forms_english_account_csv_imports_as_downloaded():
    stamps = ["2024/06/24 10:34:07 AM GMT+6", "2024/06/24 1:05:00 PM GMT+6"]
    survey = import_survey(google_csv(stamps), "responses.csv", TITLE_FOR_TESTS).survey
    moments = sorted(r.submitted_at for r in Response.objects.filter(survey=survey))
    assert [m.isoformat() for m in moments] == [
        "2024-06-24T04:34:07+00:00",
        "2024-06-24T07:05:00+00:00",
    ]
    assert import_survey(google_csv(stamps), "responses.csv", TITLE_FOR_TESTS).added == 0


@pytest.mark.django_db
def test_a_british_sheet_is_read_day_first_for_every_row():
    stamps = ["03/06/2024 10:00:00", "24/06/2024 10:00:00"]  # 3 June, 24 June
    survey = import_survey(google_csv(stamps), "sheet.csv", TITLE_FOR_TESTS).survey
    days = sorted(r.submitted_at.date() for r in Response.objects.filter(survey=survey))
    assert days == [datetime.date(2024, 6, 3), datetime.date(2024, 6, 24)]


@pytest.mark.django_db
def test_a_bad_moment_is_named_by_row_and_column():
    data = google_csv(["2024/06/24 10:34:07 AM GMT+6", "someday"])
    with pytest.raises(SurveyRefused) as refused:
        import_survey(data, "responses.csv", TITLE_FOR_TESTS)
    assert any("row 3" in m and "“someday”" in m for m in refused.value.messages)


def microsoft_workbook(header_language="en"):
    headers = {
        "en": ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"],
        "ru": [
            "ИД",
            "Время начала",
            "Время завершения",
            "Электронная почта",
            "Имя",
            "Время последнего изменения",
        ],
    }[header_language]
    book = Workbook()
    sheet = book.active
    sheet.append([*headers, *QUESTIONS])
    start = datetime.datetime(2024, 6, 24, 22, 30, 0)
    for number, row in enumerate(ROWS[:3], start=1):
        done = start + datetime.timedelta(minutes=number)
        sheet.append(
            [number, start, done, "anonymous", "", None, *(value or None for value in row)]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_microsoft_forms_workbook_imports_its_answers_at_their_completion_time(language):
    result = import_survey(microsoft_workbook(language), "Опрос.xlsx", TITLE_FOR_TESTS)
    assert result.added == 3
    assert list(Question.objects.filter(survey=result.survey).values_list("text", flat=True)) == (
        QUESTIONS
    )
    moments = sorted(r.submitted_at for r in Response.objects.filter(survey=result.survey))
    assert moments[0].isoformat() == "2024-06-24T16:31:00+00:00"
    assert import_survey(microsoft_workbook(language), "Опрос.xlsx", TITLE_FOR_TESTS).added == 0
