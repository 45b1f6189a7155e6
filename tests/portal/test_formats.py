"""One number format and one long date per language (portal.numbers, portal.dates): Kyrgyz and
Russian group thousands with a no-break space and write a decimal comma, English as English; the
long date is in each language's grammatical form, and nothing writes "15 Июнь 2026 ж."."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from portal import dates, numbers

JUNE_15 = datetime.date(2026, 6, 15)


@pytest.mark.parametrize(
    ("language", "count", "rate", "share", "big"),
    [
        ("ky", "11\xa0977", "52,30", "5,5", "1\xa0234\xa0567,89"),
        ("ru", "11\xa0977", "52,30", "5,5", "1\xa0234\xa0567,89"),
        ("en", "11,977", "52.30", "5.5", "1,234,567.89"),
    ],
)
def test_a_number_reads_the_languages_way(language, count, rate, share, big):
    with translation.override(language):
        assert numbers.number(11977) == count
        assert numbers.number(Decimal("52.30")) == rate
        assert numbers.number(5.5, 1) == share
        assert numbers.number(1234567.891, 2) == big
        assert numbers.number(None) == ""


def test_the_helper_is_the_tables_and_the_charts_format():
    with translation.override("ky"):
        assert numbers.chart_format() == {"decimal": ",", "group": "\xa0", "grouping": 3}
        assert numbers.NumberFormat()(Decimal("4083.5"), 1) == numbers.number(Decimal("4083.5"))
    with translation.override("en"):
        assert numbers.chart_format() == {"decimal": ".", "group": ",", "grouping": 3}


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("ky", "2026-жылдын 15-июну", "15.06.2026"),
        ("ru", "15 июня 2026 г.", "15.06.2026"),
        ("en", "June 15, 2026", "06/15/2026"),
    ],
)
def test_a_date_long_and_short(language, long, short):
    with translation.override(language):
        assert dates.long_date(JUNE_15) == long
        assert dates.short_date(JUNE_15) == short
        assert dates.long_date(None) == "—"


def test_every_kyrgyz_month_in_its_possessive_form():
    with translation.override("ky"):
        written = [dates.long_date(datetime.date(2024, month, 1)) for month in range(1, 13)]
    assert written[0] == "2024-жылдын 1-январы"
    assert written[3] == "2024-жылдын 1-апрели"
    assert written[8] == "2024-жылдын 1-сентябры"
    assert written[11] == "2024-жылдын 1-декабры"


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_no_date_django_writes_alone_is_the_nominative_month(language):
    """The admin and a bare {{ date }} use DATE_FORMAT: in Kyrgyz the short form, in Russian the
    genitive month, never "15 Июнь 2026 ж."."""
    with translation.override(language):
        for text in (
            formats.localize(JUNE_15),
            formats.date_format(JUNE_15, "DATE_FORMAT"),
            formats.date_format(JUNE_15, "MONTH_DAY_FORMAT"),
            formats.date_format(datetime.datetime(2026, 6, 15, 9, 30), "DATETIME_FORMAT"),
        ):
            assert "Июнь" not in text and "ж." not in text
    with translation.override("ru"):
        assert formats.localize(JUNE_15) == "15 июня 2026 г."


def test_the_template_filters():
    template = Template(
        "{% load portal_formats %}{{ n|number }} · {{ r|number:1 }} · {{ d|long_date }}"
    )
    context = Context({"n": 11977, "r": Decimal("52.29"), "d": JUNE_15})
    with translation.override("ky"):
        assert template.render(context) == "11\xa0977 · 52,3 · 2026-жылдын 15-июну"
    with translation.override("ru"):
        assert template.render(context) == "11\xa0977 · 52,3 · 15 июня 2026 г."
    with translation.override("en"):
        assert template.render(context) == "11,977 · 52.3 · June 15, 2026"
