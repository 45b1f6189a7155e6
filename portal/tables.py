"""The portal's lists: one django-tables2 base table, its kinds of column, and the Excel export
every list shares. templates/includes/table.html renders them all.

A list sorts by its columns (text in Kyrgyz alphabetical order, portal.collation: a list in
memory through KyrgyzListData, a query's name column through NameColumn) and pages through the
query string; ?_export=xlsx&_table=<name>
downloads all its rows (not one page) in the page's order: text shown, never run
(portal.safe_cells.safe_cell), numbers and dates kept as such.
"""

import datetime
import html
from io import BytesIO

import django_tables2 as tables
from django.http import Http404, HttpResponse
from django.utils import formats, timezone
from django.utils.html import format_html, strip_tags
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig
from django_tables2.data import TableData, TableListData, TableQuerysetData
from django_tables2.utils import Accessor, OrderBy, OrderByTuple
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .collation import by_name, kyrgyz_key
from .dates import short_date
from .numbers import number
from .safe_cells import safe_cell, safe_text

PER_PAGE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_PARAM = "_export"
TABLE_PARAM = "_table"


def local_datetime(value):
    """An aware datetime in the portal's time zone, without its zone (a spreadsheet has none)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def _cell_key(value):
    """A cell's sort key in a list in memory: text in Kyrgyz alphabetical order, blanks last."""
    if value is None or value == "":
        return (True, "")
    return (False, kyrgyz_key(value) if isinstance(value, str) else value)


class KyrgyzListData(TableListData):
    """A list's rows (not a query), sorted as django-tables2 sorts them but with text in Kyrgyz
    alphabetical order (its own sort compares code points: Ө, Ү after Я)."""

    def order_by(self, aliases):
        accessors = []
        for alias in aliases:
            bound_column = self.table.columns[OrderBy(alias).bare]
            if alias[0] != bound_column.order_by_alias[0]:
                accessors += bound_column.order_by.opposite
            else:
                accessors += bound_column.order_by
        # Stable sorts from the least significant key up give the multi-column order.
        for order_by in reversed(OrderByTuple(accessors)):
            accessor = Accessor(order_by.bare)
            self.data.sort(
                key=lambda row: _cell_key(accessor.resolve(row, quiet=True)),
                reverse=order_by.is_descending,
            )


class NameColumn(tables.Column):
    """A person's name in a list drawn from a query: sorts in Kyrgyz alphabetical order on
    either database. Give it an `accessor` (the name's field)."""

    def order(self, queryset, is_descending):
        term = by_name(str(self.accessor))
        return queryset.order_by(term.desc() if is_descending else term.asc()), True


def _with_class(attrs, name):
    """Column attrs whose th, td and footer cell carry the class `name` besides their own."""
    attrs = {key: dict(value) for key, value in (attrs or {}).items()}
    for part in ("th", "td", "tf"):
        cell = attrs.setdefault(part, {})
        cell["class"] = f"{name} {cell['class']}" if cell.get("class") else name
    return attrs


class NumberColumn(tables.Column):
    """A count: right-aligned in tabular figures (table.data .num), its thousands grouped as the
    language groups them; a number in Excel."""

    def __init__(self, *args, **kwargs):
        kwargs["attrs"] = _with_class(kwargs.get("attrs"), "num")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return number(value, 0)

    def value(self, value):
        return value


class PercentColumn(tables.Column):
    """A rate in per cent (portal.numbers.percent): right-aligned in tabular figures, its decimal
    mark the language's; a number in Excel."""

    def __init__(self, *args, **kwargs):
        kwargs["attrs"] = _with_class(kwargs.get("attrs"), "num")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return number(value)

    def value(self, value):
        return value


class DateColumn(tables.Column):
    """A date in the language's short format; a date in Excel."""

    def __init__(self, *args, **kwargs):
        kwargs["attrs"] = _with_class(kwargs.get("attrs"), "dates")
        super().__init__(*args, **kwargs)

    def render(self, value):
        return short_date(value)

    def value(self, value):
        return value


class DateTimeColumn(tables.Column):
    """A moment in the language's short format, machine-readable in <time>; in Excel, a date and
    time of the portal's time zone."""

    def __init__(self, *args, **kwargs):
        kwargs["attrs"] = _with_class(kwargs.get("attrs"), "nowrap")
        super().__init__(*args, **kwargs)

    def render(self, value):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return format_html(
            '<time datetime="{}">{}</time>',
            local.isoformat(),
            formats.date_format(local, "SHORT_DATETIME_FORMAT"),
        )

    def value(self, value):
        return local_datetime(value)


class PortalTable(tables.Table):
    """A list of the portal. Besides django-tables2's own:

    - `caption`: what the table is, for screen readers (shown when `caption_visible`);
    - `row_header`: the column whose cells head their rows (<th scope="row">);
    - `column_groups`: ((label, (column names…)), …), a heading over neighbouring columns (a
      second header row); in Excel a grouped column is headed "label — column";
    - `export_name`: when set, the list offers its Excel file (?_export=xlsx&_table=<name>);
    - `per_page`: the rows of a page.

    django-tables2 does not inherit Meta: a table's Meta names PortalTable.Meta as its base.
    """

    caption = ""
    caption_visible = False
    row_header = None
    column_groups = ()
    export_name = ""
    per_page = PER_PAGE

    class Meta:
        attrs = {"class": "data"}
        empty_text = _("Nothing to show for these filters.")

    def __init__(self, data=None, *args, caption=None, export_name=None, **kwargs):
        if not isinstance(data, TableData | type(None)) and not TableQuerysetData.validate(data):
            data = KyrgyzListData(list(data))
        super().__init__(data, *args, **kwargs)
        if caption is not None:
            self.caption = caption
        if export_name is not None:
            self.export_name = export_name
        self.configured = False

    def configure(self, request, paginate=True):
        """Sort by the query string and, unless `paginate` is False, take its page."""
        config = {"per_page": self.per_page} if paginate else False
        RequestConfig(request, paginate=config).configure(self)
        self.configured = True
        return self

    def before_render(self, request):
        # A table built where the request was not at hand (a job's stored result) pages when shown.
        if not self.configured and request is not None:
            self.configure(request)

    def _group_of(self):
        return {
            name: (index, label)
            for index, (label, names) in enumerate(self.column_groups)
            for name in names
        }

    @property
    def header_rows(self):
        """The head's rows: one, or two under column groups. Each cell is {"column": bound column,
        "rowspan": n} or {"group": label, "span": n}."""
        columns = list(self.columns)
        group_of = self._group_of()
        if not any(column.name in group_of for column in columns):
            return [[{"column": column, "rowspan": 1} for column in columns]]
        top, bottom = [], []
        for column in columns:
            if column.name not in group_of:
                top.append({"column": column, "rowspan": 2})
                continue
            index, label = group_of[column.name]
            if top and top[-1].get("index") == index:
                top[-1]["span"] += 1
            else:
                top.append({"group": label, "index": index, "span": 1})
            bottom.append({"column": column, "rowspan": 1})
        return [top, bottom]

    def export_rows(self):
        """The Excel rows: the headings, then every row's values (not one page)."""
        group_of = self._group_of()
        columns = [
            column for column in self.columns.iterall() if not column.column.exclude_from_export
        ]
        headings = []
        for column in columns:
            heading = str(column.header)
            if column.name in group_of:
                heading = f"{group_of[column.name][1]} — {heading}"
            headings.append(heading)
        values = self.as_values()
        next(values)  # django-tables2's own headings, without the groups
        return [headings, *values]

    def as_xlsx(self, title=None):
        return table_workbook(self, str(title or self.caption or self.export_name))


def _cell_value(value):
    if hasattr(value, "__html__"):
        # A column rendered as markup with no value_<column> method: its text.
        return html.unescape(strip_tags(str(value))).strip()
    return value


def table_workbook(table, title):
    """The table's rows, all of them (not one page), as an .xlsx: text neutralised, dates and
    numbers kept as such."""
    book = Workbook()
    sheet = book.active
    sheet.title = safe_text(title)[:31] or "Sheet"
    rows = table.export_rows() if isinstance(table, PortalTable) else list(table.as_values())
    for row_number, values in enumerate(rows, start=1):
        for column_number, value in enumerate(values, start=1):
            value = _cell_value(value)
            if isinstance(value, datetime.datetime):
                cell = sheet.cell(row_number, column_number, local_datetime(value))
                cell.number_format = "DD.MM.YYYY HH:MM"
            elif isinstance(value, datetime.date):
                cell = sheet.cell(row_number, column_number, value)
                cell.number_format = "DD.MM.YYYY"
            else:
                sheet.cell(row_number, column_number, safe_cell(value))
            if row_number == 1:
                sheet.cell(row_number, column_number).font = Font(bold=True)
    for column_number in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(column_number)].width = 18
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def configure(request, *tables):
    """Sort and page each table by the query string (each by its own prefix)."""
    for table in tables:
        table.configure(request)


def export_response(request, *tables, filename=""):
    """When the query string asks for one of `tables` in Excel (?_export=xlsx&_table=<name>), the
    response that downloads all its rows in the page's order; else None. `filename` names the
    page the table is on ("dashboard", "faculty-ЭФ"), before the table's own name."""
    if request.GET.get(EXPORT_PARAM) != "xlsx":
        return None
    name = request.GET.get(TABLE_PARAM)
    table = next((t for t in tables if t.export_name and t.export_name == name), None)
    if table is None:
        raise Http404("unknown table")
    table.configure(request, paginate=False)
    today = timezone.localdate()
    name = f"{filename}-{table.export_name}" if filename else table.export_name
    return xlsx_response(table.as_xlsx(), f"{name}-{today:%Y%m%d}.xlsx")
