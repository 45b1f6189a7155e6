"""The portal's base table (portal.tables): grouped headings, the row heading, pages, and the Excel
export that keeps numbers and dates and neutralises text."""

import datetime
import io

import django_tables2 as tables
import openpyxl
import pytest
from django.http import Http404
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation

from portal.tables import (
    DateColumn,
    DateTimeColumn,
    NumberColumn,
    PortalTable,
    export_response,
)


class FruitTable(PortalTable):
    name = tables.Column(verbose_name="Name")
    picked = DateColumn(verbose_name="Picked")
    weighed = DateTimeColumn(verbose_name="Weighed")
    big = NumberColumn(verbose_name="big")
    small = NumberColumn(verbose_name="small")

    caption = "Fruit"
    row_header = "name"
    column_groups = (("Count", ("big", "small")),)
    export_name = "fruit"
    per_page = 2

    class Meta(PortalTable.Meta):
        pass


WEIGHED = timezone.make_aware(datetime.datetime(2024, 6, 3, 9, 30), timezone.get_fixed_timezone(0))


def rows():
    return [
        {"name": "=1+2", "picked": datetime.date(2024, 6, 3), "weighed": WEIGHED, "big": 1200},
        {"name": "pear", "picked": None, "weighed": WEIGHED, "big": -3, "small": 4},
        {"name": "plum", "picked": datetime.date(2024, 6, 1), "weighed": WEIGHED, "big": 0},
    ]


def render(table, query=""):
    request = RequestFactory().get(f"/fruit/?{query}")
    table.configure(request)
    template = Template("{% load django_tables2 %}{% render_table table %}")
    return template.render(Context({"table": table, "request": request}))


def test_grouped_columns_get_a_heading_over_them_and_the_others_span_both_rows():
    [top, bottom] = FruitTable(rows()).header_rows
    assert [cell.get("group") or cell["column"].name for cell in top] == [
        "name",
        "picked",
        "weighed",
        "Count",
    ]
    assert [cell.get("rowspan") or cell["span"] for cell in top] == [2, 2, 2, 2]
    assert [cell["column"].name for cell in bottom] == ["big", "small"]


def test_the_page_has_a_caption_row_headings_numbers_right_and_pages():
    with translation.override("ky"):
        html = render(FruitTable(rows()), "sort=name")
    assert '<caption class="visually-hidden">Fruit</caption>' in html
    assert '<th scope="colgroup" colspan="2" class="group-head">Count</th>' in html
    assert 'aria-sort="ascending"' in html
    assert '<th scope="row" >=1+2</th>' in html
    assert '<td class="num">1\xa0200</td>' in html, "Kyrgyz groups thousands with a space"
    assert '<td class="dates">03.06.2024</td>' in html, "the short date of the language"
    assert "plum" not in html, "two rows a page"
    assert 'href="?sort=name&amp;page=2"' in html
    assert "_export=xlsx&amp;_table=fruit" in html


def test_the_export_has_every_row_in_the_pages_order_numbers_dates_and_safe_text():
    request = RequestFactory().get(
        "/fruit/", {"_export": "xlsx", "_table": "fruit", "sort": "-big"}
    )
    response = export_response(request, FruitTable(rows()))
    assert response["Content-Disposition"].startswith('attachment; filename="fruit-')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["Name", "Picked", "Weighed", "Count — big", "Count — small"]
    assert [row[0] for row in values[1:]] == ["'=1+2", "plum", "pear"], "all rows, sorted"
    first = values[1]
    assert first[1] == datetime.datetime(2024, 6, 3)
    assert first[2] == datetime.datetime(2024, 6, 3, 15, 30), "in the portal's time zone"
    assert first[3] == 1200
    assert values[3][3] == -3, "a negative number stays a number"


def test_an_unknown_table_is_not_found_and_no_export_asked_is_none():
    request = RequestFactory().get("/fruit/", {"_export": "xlsx", "_table": "apples"})
    with pytest.raises(Http404):
        export_response(request, FruitTable(rows()))
    assert export_response(RequestFactory().get("/fruit/"), FruitTable(rows())) is None


def test_a_table_built_without_the_request_pages_when_it_is_shown():
    table = FruitTable(rows())
    request = RequestFactory().get("/fruit/", {"page": 2})
    html = Template("{% load django_tables2 %}{% render_table table %}").render(
        Context({"table": table, "request": request})
    )
    assert "plum" in html and "pear" not in html
