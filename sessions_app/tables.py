"""The exam sessions' lists (django-tables2, portal.tables): the sessions, a group's assessments
with their sheets' progress, the histories of sheets, grades and admissions, and the results
import's counts, errors and columns."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.tables import (
    DateColumn,
    DateTimeColumn,
    NameColumn,
    NumberColumn,
    PortalTable,
    short_date,
)

from .choices import Attempt

# History pages show more rows at once than the registries.
HISTORY_PER_PAGE = 50


def period(start, end):
    """A period's two dates, "…" for the one not set; "—" when neither is."""
    if not (start or end):
        return "—"
    return format_html(
        '<span class="nowrap">{}</span> – <span class="nowrap">{}</span>',
        short_date(start) if start else "…",
        short_date(end) if end else "…",
    )


def period_text(start, end):
    if not (start or end):
        return ""
    return f"{short_date(start) if start else '…'} – {short_date(end) if end else '…'}"


def who(user):
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


def to_arrow():
    """The arrow between an old and a new value: seen, and read as "to"."""
    return format_html(
        '<span aria-hidden="true">→</span><span class="visually-hidden">{}</span>', _("to")
    )


# --- The sessions ---------------------------------------------------------------------------


class SessionTable(PortalTable):
    """The exam sessions (sessions_with_sheet_counts), newest first, with their assessments and
    sheets by status in the user's faculty."""

    session = tables.Column(
        verbose_name=gettext_lazy("Exam session"),
        accessor="pk",
        order_by=("academic_year__start_year", "term"),
    )
    main_period = tables.Column(
        verbose_name=gettext_lazy("Main period"),
        accessor="main_start",
        empty_values=(),
        order_by=("main_start", "main_end"),
        attrs={"td": {"class": "period"}},
    )
    retake_period = tables.Column(
        verbose_name=gettext_lazy("АКЖ period"),
        accessor="retake_start",
        empty_values=(),
        order_by=("retake_start", "retake_end"),
        attrs={"td": {"class": "period"}},
    )
    entry_deadline = DateColumn(verbose_name=gettext_lazy("Entry deadline"))
    assessment_count = NumberColumn(verbose_name=gettext_lazy("Assessments"))
    draft_count = NumberColumn(verbose_name=gettext_lazy("draft"))
    submitted_count = NumberColumn(verbose_name=gettext_lazy("submitted"))
    locked_count = NumberColumn(verbose_name=gettext_lazy("locked"))

    caption = gettext_lazy("Exam sessions")
    row_header = "session"
    column_groups = (
        (gettext_lazy("Grade sheets"), ("draft_count", "submitted_count", "locked_count")),
    )
    export_name = "sessions"

    class Meta(PortalTable.Meta):
        attrs = {"class": "data sessions"}

    def render_session(self, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("sessions:session_detail", args=[record.pk]), record
        )

    def value_session(self, record):
        return str(record)

    def render_main_period(self, record):
        return period(record.main_start, record.main_end)

    def value_main_period(self, record):
        return period_text(record.main_start, record.main_end)

    def render_retake_period(self, record):
        return period(record.retake_start, record.retake_end)

    def value_retake_period(self, record):
        return period_text(record.retake_start, record.retake_end)


# --- A group's assessments ------------------------------------------------------------------


def sheet_status(record, progress):
    """The sheet's status as a link to the sheet, named for a screen reader."""
    if progress.sheet:
        status = format_html(
            '<span class="status status-{}">{}</span>', progress.status, progress.status_label
        )
    else:
        status = format_html('<span class="status status-none">{}</span>', _("not opened"))
    assessment = record["assessment"]
    return format_html(
        '<a class="sheet-link" href="{}">{} <span class="visually-hidden">— {}, {}</span></a>',
        reverse("sessions:sheet", args=[assessment.pk, progress.attempt]),
        status,
        progress.attempt_label,
        assessment.discipline.name,
    )


def sheet_status_text(progress):
    return str(progress.status_label) if progress.sheet else _("not opened")


def grades_column(attempt):
    return tables.Column(
        verbose_name=gettext_lazy("grades"),
        accessor=f"{attempt}__filled",
        empty_values=(),
        exclude_from_export=True,
        attrs={
            "th": {"class": "num", "title": gettext_lazy("grades entered / students admitted")},
            "td": {"class": "num"},
        },
    )


class AssessmentProgressTable(PortalTable):
    """A group's assessments in a session, each with its two sheets (main and АКЖ): the sheet's
    status, linked to it, and its grades entered of the students admitted. Rows are
    {"assessment": …, "main": SheetProgress, "retake": SheetProgress}."""

    discipline = tables.Column(
        verbose_name=gettext_lazy("Discipline"), accessor="assessment__discipline__name"
    )
    kind = tables.Column(
        verbose_name=gettext_lazy("Kind"),
        accessor="assessment__get_kind_display",
        order_by="assessment__kind",
    )
    examiner = tables.Column(
        verbose_name=gettext_lazy("Examiner"), accessor="assessment__examiner__full_name"
    )
    date = DateColumn(verbose_name=gettext_lazy("Date"), accessor="assessment__date")
    main_status = tables.Column(
        verbose_name=gettext_lazy("status"), accessor="main__status", empty_values=()
    )
    main_grades = grades_column("main")
    main_filled = NumberColumn(
        verbose_name=gettext_lazy("grades entered"), accessor="main__filled", visible=False
    )
    main_expected = NumberColumn(
        verbose_name=gettext_lazy("students admitted"), accessor="main__expected", visible=False
    )
    retake_status = tables.Column(
        verbose_name=gettext_lazy("status"), accessor="retake__status", empty_values=()
    )
    retake_grades = grades_column("retake")
    retake_filled = NumberColumn(
        verbose_name=gettext_lazy("grades entered"), accessor="retake__filled", visible=False
    )
    retake_expected = NumberColumn(
        verbose_name=gettext_lazy("students admitted"), accessor="retake__expected", visible=False
    )

    caption = gettext_lazy("Assessments")
    row_header = "discipline"
    column_groups = (
        (
            gettext_lazy("Main session sheet"),
            ("main_status", "main_grades", "main_filled", "main_expected"),
        ),
        (
            gettext_lazy("АКЖ sheet"),
            ("retake_status", "retake_grades", "retake_filled", "retake_expected"),
        ),
    )
    export_name = "assessments"

    class Meta(PortalTable.Meta):
        attrs = {"class": "data assessments"}

    def render_main_status(self, record):
        return sheet_status(record, record["main"])

    def value_main_status(self, record):
        return sheet_status_text(record["main"])

    def render_retake_status(self, record):
        return sheet_status(record, record["retake"])

    def value_retake_status(self, record):
        return sheet_status_text(record["retake"])

    def _grades(self, progress):
        return _("%(filled)s of %(expected)s") % {
            "filled": progress.filled,
            "expected": progress.expected,
        }

    def render_main_grades(self, record):
        return self._grades(record["main"])

    def render_retake_grades(self, record):
        return self._grades(record["retake"])


# --- Histories --------------------------------------------------------------------------------


class HistoryTable(PortalTable):
    """A history: newest first as given, 50 rows a page; `with_sheet` adds the sheet's column
    (a group's history names each row's sheet, a sheet's history does not)."""

    per_page = HISTORY_PER_PAGE

    def __init__(self, *args, with_sheet=False, **kwargs):
        if not with_sheet:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "sheet")
        super().__init__(*args, **kwargs)

    class Meta(PortalTable.Meta):
        attrs = {"class": "data history-table"}


class SheetEventTable(HistoryTable):
    """Sheets' events (SheetEvent): submitted, locked, reopened."""

    at = DateTimeColumn(verbose_name=gettext_lazy("When"))
    sheet = tables.Column(
        verbose_name=gettext_lazy("Sheet"),
        accessor="sheet__assessment__discipline__name",
        order_by=("sheet__assessment__discipline__name", "sheet__attempt"),
    )
    action = tables.Column(verbose_name=gettext_lazy("What"))
    by = tables.Column(
        verbose_name=gettext_lazy("Who"),
        empty_values=(),
        order_by=("by__last_name", "by__first_name", "by__username"),
    )
    reason = tables.Column(verbose_name=gettext_lazy("Reason"))

    caption = gettext_lazy("Sheet events")
    export_name = "events"

    class Meta(HistoryTable.Meta):
        pass

    def render_sheet(self, record, value):
        return format_html(
            '{} <span class="muted">{}</span>',
            format_html(
                '<a href="{}">{}</a>',
                reverse(
                    "sessions:sheet_history",
                    args=[record.sheet.assessment_id, record.sheet.attempt],
                ),
                value,
            ),
            record.sheet.get_attempt_display(),
        )

    def value_sheet(self, record, value):
        return f"{value} ({record.sheet.get_attempt_display()})"

    def render_action(self, record):
        return capfirst(record.get_action_display())

    def render_by(self, record):
        return who(record.by)


def student_cell(student):
    return format_html('{} <span class="muted">{}</span>', student.full_name, student.record_book)


class GradeChangeTable(HistoryTable):
    """Grade changes: rows {"change": GradeChange, "old": label, "new": label}."""

    changed_at = DateTimeColumn(verbose_name=gettext_lazy("When"), accessor="change__changed_at")
    student = tables.Column(
        verbose_name=gettext_lazy("Student"), accessor="change__student__full_name"
    )
    record_book = tables.Column(
        verbose_name=gettext_lazy("Record-book number"),
        accessor="change__student__record_book",
        visible=False,
    )
    sheet = tables.Column(
        verbose_name=gettext_lazy("Sheet"),
        accessor="change__assessment__discipline__name",
        order_by=("change__assessment__discipline__name", "change__attempt"),
    )
    change = tables.Column(verbose_name=gettext_lazy("Change"), empty_values=(), orderable=False)
    changed_by = tables.Column(
        verbose_name=gettext_lazy("Who"),
        accessor="change__changed_by",
        empty_values=(),
        order_by=("change__changed_by__last_name", "change__changed_by__username"),
    )
    source = tables.Column(
        verbose_name=gettext_lazy("Source"),
        accessor="change__get_source_display",
        order_by="change__source",
    )
    reason = tables.Column(verbose_name=gettext_lazy("Reason"), accessor="change__reason")

    caption = gettext_lazy("Grade changes")
    export_name = "grades"

    class Meta(HistoryTable.Meta):
        pass

    def render_student(self, record):
        return student_cell(record["change"].student)

    def value_student(self, record):
        return record["change"].student.full_name

    def render_sheet(self, record, value):
        return format_html(
            '{} <span class="muted">{}</span>', value, record["change"].get_attempt_display()
        )

    def value_sheet(self, record, value):
        return f"{value} ({record['change'].get_attempt_display()})"

    def render_change(self, record):
        return format_html(
            "{} {} <strong>{}</strong>",
            record["old"] or "—",
            to_arrow(),
            record["new"] or "—",
        )

    def value_change(self, record):
        return f"{record['old'] or '—'} → {record['new'] or '—'}"

    def render_changed_by(self, record):
        return who(record["change"].changed_by)


def admission_label(admitted, reason):
    if admitted:
        return _("admitted")
    if reason:
        return f"{_('not admitted')} ({reason})"
    return _("not admitted")


class AdmissionChangeTable(HistoryTable):
    """Admission changes (AdmissionChange) of a group, both stages, students who joined or left
    it included."""

    changed_at = DateTimeColumn(verbose_name=gettext_lazy("When"))
    student = NameColumn(
        verbose_name=gettext_lazy("Student"),
        accessor="student__full_name",
    )
    record_book = tables.Column(
        verbose_name=gettext_lazy("Record-book number"),
        accessor="student__record_book",
        visible=False,
    )
    stage = tables.Column(verbose_name=gettext_lazy("Stage"))
    change = tables.Column(verbose_name=gettext_lazy("Change"), empty_values=(), orderable=False)
    changed_by = tables.Column(
        verbose_name=gettext_lazy("Who"),
        empty_values=(),
        order_by=("changed_by__last_name", "changed_by__first_name", "changed_by__username"),
    )
    source = tables.Column(verbose_name=gettext_lazy("Source"))

    caption = gettext_lazy("Admission changes")
    export_name = "admissions"

    class Meta(HistoryTable.Meta):
        pass

    def render_student(self, record):
        return student_cell(record.student)

    def value_student(self, record):
        return record.student.full_name

    def _parts(self, record):
        """(old, new, moved, note, funding) as text; old and new None when the admission did
        not change, funding (old, new) when the session's funding changed (not when the student
        joined the contingent with it)."""
        old = new = None
        if record.old_admitted != record.new_admitted or record.old_reason != record.new_reason:
            if record.old_admitted is None:
                old = _("joined the contingent") if record.stage == Attempt.MAIN else "—"
            else:
                old = admission_label(record.old_admitted, record.get_old_reason_display())
            new = admission_label(record.new_admitted, record.get_new_reason_display())
        moved = None
        if record.old_group_id:
            moved = _("moved from %(old)s to %(new)s") % {
                "old": record.old_group.name,
                "new": record.group.name,
            }
        note = None
        if record.old_note != record.new_note:
            note = (record.old_note or "—", record.new_note or "—")
        funding = None
        if record.old_funding and record.old_funding != record.new_funding:
            funding = (record.get_old_funding_display(), record.get_new_funding_display() or "—")
        return old, new, moved, note, funding

    def render_change(self, record):
        old, new, moved, note, funding = self._parts(record)
        parts = []
        if new is not None:
            if record.old_admitted is None:
                old = format_html('<span class="muted">{}</span>', old)
            parts.append(format_html("{} {} <strong>{}</strong>", old, to_arrow(), new))
        if moved:
            parts.append(format_html('<span class="muted">{}</span>', moved))
        if note:
            parts.append(
                format_html(
                    '<span class="history-note">{} {} {} {}</span>',
                    _("note:"),
                    note[0],
                    to_arrow(),
                    note[1],
                )
            )
        if funding:
            parts.append(
                format_html(
                    '<span class="history-note">{} {} {} {}</span>',
                    _("funding:"),
                    funding[0],
                    to_arrow(),
                    funding[1],
                )
            )
        return format_html_join(" ", "{}", ((part,) for part in parts))

    def value_change(self, record):
        old, new, moved, note, funding = self._parts(record)
        parts = []
        if new is not None:
            parts.append(f"{old} → {new}")
        if moved:
            parts.append(moved)
        if note:
            parts.append(f"{_('note:')} {note[0]} → {note[1]}")
        if funding:
            parts.append(f"{_('funding:')} {funding[0]} → {funding[1]}")
        return "; ".join(parts)

    def render_changed_by(self, record):
        return who(record.changed_by)

    def render_source(self, record, value):
        if not record.reason:
            return value
        return format_html('{}<br><span class="muted">{}</span>', value, record.reason)

    def value_source(self, record, value):
        return f"{value}: {record.reason}" if record.reason else value


# --- The results import -------------------------------------------------------------------------


class ImportCountTable(PortalTable):
    """What an import would do or did, per kind of record: rows {"label", "created", "updated",
    "unchanged"}."""

    label = tables.Column(verbose_name=gettext_lazy("What"), orderable=False)
    created = NumberColumn(verbose_name=gettext_lazy("created"), orderable=False)
    updated = NumberColumn(verbose_name=gettext_lazy("updated"), orderable=False)
    unchanged = NumberColumn(verbose_name=gettext_lazy("unchanged"), orderable=False)

    caption_visible = True
    row_header = "label"

    class Meta(PortalTable.Meta):
        attrs = {"class": "data import-counts"}

    def render_label(self, value):
        return capfirst(value)


class ImportColumnTable(PortalTable):
    """The columns the results workbook may have: rows {"column", "aliases", "optional"}."""

    column = tables.Column(verbose_name=gettext_lazy("Column"), orderable=False)
    aliases = tables.Column(verbose_name=gettext_lazy("Also headed"), orderable=False, default="")
    required = tables.Column(
        verbose_name=gettext_lazy("Required"),
        accessor="optional",
        orderable=False,
        empty_values=(),
    )

    caption = gettext_lazy("Columns")
    row_header = "column"
    per_page = 100

    class Meta(PortalTable.Meta):
        pass

    def render_aliases(self, value):
        return ", ".join(value)

    def render_required(self, value):
        return _("no") if value else _("yes")
