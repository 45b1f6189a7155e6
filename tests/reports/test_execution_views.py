"""The execution's pages: the list by status with its Excel export, an item's page for each role,
reporting with attachments, the review, the plan and the cancellation, the attachment download,
and the adopt page that assigns the items."""

import datetime
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.execution import services as execution
from reports.execution.models import (
    Assignment,
    AssignmentStatus,
    DeadlineKind,
    EventKind,
    ReportState,
)
from reports.resolutions.models import ResolutionStatus
from tests import factories
from tests.reports.test_execution import PDF, adopted
from tests.reports.test_resolution import COUNCIL_DATE, build_world, new_resolution
from tests.reports.test_resolution_views import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def item_url(assignment, name="item", *args):
    return reverse(f"execution:{name}", args=[assignment.pk, *args])


def test_the_list_puts_overdue_first_and_counts_by_status(world, people):
    later = datetime.date.today() + datetime.timedelta(days=100)
    plans = {
        order: execution.Plan(DeadlineKind.DATE, later, faculties=[people["faculty"]])
        for order in range(2, 6)
    }
    plans[1] = execution.Plan(
        DeadlineKind.DATE, datetime.date(2000, 1, 1), faculties=[people["faculty"]]
    )
    resolution = adopted(world, people, plans)
    response = client_for(people["vice_rector"]).get(reverse("execution:list"))
    assert response.status_code == 200
    rows = response.context["table"].rows
    assert len(rows) == 5
    assert rows[0].record.item.order == 1  # overdue, first
    counts = {s["code"]: s["count"] for s in response.context["statuses"]}
    assert counts["overdue"] == 1 and counts["not_started"] == 4
    overdue = client_for(people["vice_rector"]).get(reverse("execution:list") + "?status=overdue")
    assert [r.record.item.order for r in overdue.context["table"].rows] == [1]
    assert resolution.pk in [r.pk for r in response.context["resolutions"]]


def test_the_list_exports_to_excel(world, people):
    adopted(world, people)
    response = client_for(people["vice_rector"]).get(
        reverse("execution:list") + "?_export=xlsx&_table=execution"
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("No.", "Item", "Resolution", "Deadline")
    assert len(rows) == 6
    assert rows[1][3].date() == COUNCIL_DATE + datetime.timedelta(days=30)  # a date, not text
    assert rows[1][4] == "overdue"
    assert people["faculty"].name in rows[1][6]


def test_a_dean_office_sees_only_its_items_and_another_is_404(world, people):
    plans = {1: execution.Plan(DeadlineKind.YEAR_END, faculties=[people["other"]])}
    resolution = adopted(world, people, plans)
    theirs = resolution.assignments.get(item__order=1)
    ours = resolution.assignments.get(item__order=2)
    dean = client_for(people["dean"])
    listed = dean.get(reverse("execution:list"))
    assert theirs.pk not in [r.record.pk for r in listed.context["table"].rows]
    assert dean.get(item_url(theirs)).status_code == 404
    page = dean.get(item_url(ours))
    assert page.status_code == 200
    assert b"Send the report" in page.content
    assert b"Cancel the item" not in page.content  # the vice-rector's office's


def test_a_user_with_no_role_sees_nothing(world, people):
    adopted(world, people)
    response = client_for(factories.user()).get(reverse("execution:list"))
    assert response.status_code == 200
    assert response.context["total"] == 0


def test_reporting_with_an_attachment_and_downloading_it(world, people, media):
    assignment = adopted(world, people).assignments.order_by("item__order").first()
    part = assignment.responsibles.get()
    dean = client_for(people["dean"])
    response = dean.post(
        item_url(assignment, "report", part.pk),
        {
            "version": assignment.version,
            "text": "Лабораторияга 12 компьютер орнотулду",
            "progress": 60,
            "files": [SimpleUploadedFile("акт.pdf", PDF, content_type="application/pdf")],
        },
    )
    assert response.status_code == 302
    report = part.reports.get()
    assert report.state == ReportState.SUBMITTED and report.progress == 60
    attachment = report.attachments.get()
    download = dean.get(item_url(assignment, "attachment", attachment.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    # Another faculty's dean's office does not see the item, nor its files.
    other = client_for(people["other_dean"])
    assert other.get(item_url(assignment, "attachment", attachment.pk)).status_code == 404


def test_a_refused_file_keeps_the_report_unsent_and_says_why(world, people, media):
    assignment = adopted(world, people).assignments.order_by("item__order").first()
    part = assignment.responsibles.get()
    response = client_for(people["dean"]).post(
        item_url(assignment, "report", part.pk),
        {
            "version": assignment.version,
            "text": "Иш аткарылды",
            "progress": 100,
            "files": [SimpleUploadedFile("run.exe", b"MZ\x90\x00binary")],
        },
    )
    assert response.status_code == 400
    assert "run.exe" in response.content.decode()
    assert "Иш аткарылды" in response.content.decode()  # what was typed stays
    assert not part.reports.exists()


def test_a_dean_office_cannot_report_on_anothers_part(world, people):
    plans = {1: execution.Plan(DeadlineKind.YEAR_END, faculties=[people["other"]])}
    assignment = adopted(world, people, plans).assignments.get(item__order=1)
    part = assignment.responsibles.get()
    response = client_for(people["dean"]).post(
        item_url(assignment, "report", part.pk),
        {"version": assignment.version, "text": "x", "progress": 100},
    )
    assert response.status_code == 404
    assert not part.reports.exists()


def test_the_vice_rector_accepts_and_the_item_is_done(world, people):
    assignment = adopted(world, people).assignments.order_by("item__order").first()
    part = assignment.responsibles.get()
    report = execution.submit_report(part, people["dean"], "Бүттү", 100)
    assignment.refresh_from_db()
    # A dean's office may not review.
    refused = client_for(people["dean"]).post(
        item_url(assignment, "review", report.pk),
        {"version": assignment.version, "decision": "accept"},
    )
    assert refused.status_code == 403
    response = client_for(people["vice_rector"]).post(
        item_url(assignment, "review", report.pk),
        {"version": assignment.version, "decision": "accept", "comment": ""},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DONE
    page = client_for(people["academic"]).get(item_url(assignment))
    assert b"report accepted" in page.content  # the history, for the academic department too


def test_returning_needs_a_comment(world, people):
    assignment = adopted(world, people).assignments.order_by("item__order").first()
    report = execution.submit_report(assignment.responsibles.get(), people["dean"], "Бир аз", 20)
    assignment.refresh_from_db()
    response = client_for(people["vice_rector"]).post(
        item_url(assignment, "review", report.pk),
        {"version": assignment.version, "decision": "return", "comment": ""},
    )
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_a_stale_form_is_refused_with_a_message(world, people):
    assignment = adopted(world, people).assignments.order_by("item__order").first()
    stale = assignment.version
    execution.submit_report(assignment.responsibles.get(), people["dean"], "Иш", 10)
    response = client_for(people["vice_rector"]).post(
        item_url(assignment, "cancel"), {"version": stale, "reason": "Себеп"}, follow=True
    )
    assert "Someone changed this item" in response.content.decode()
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.IN_PROGRESS


def test_the_office_cancels_and_reassigns(world, people):
    assignment = adopted(world, people).assignments.order_by("item__order").first()
    office = client_for(people["vice_rector"])
    response = office.post(
        item_url(assignment, "plan"),
        {
            "plan-version": assignment.version,
            "plan-deadline_kind": DeadlineKind.DATE,
            "plan-deadline": "2025-05-20",
            "plan-faculties": [people["other"].pk],
        },
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.deadline == datetime.date(2025, 5, 20)
    assert [r.faculty for r in assignment.responsibles.all()] == [people["other"]]
    office.post(
        item_url(assignment, "cancel"), {"version": assignment.version, "reason": "Эскирди"}
    )
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CANCELLED
    kinds = set(assignment.events.values_list("kind", flat=True))
    assert {EventKind.REASSIGNED, EventKind.CANCELLED} <= kinds
    # The dean's office may not.
    dean = client_for(people["other_dean"])
    denied = dean.post(item_url(assignment, "restore"), {"version": assignment.version})
    assert denied.status_code == 403


def test_the_adopt_page_assigns_each_item_as_chosen(world, people):
    resolution = new_resolution(world["session"])
    office = client_for(people["vice_rector"])
    page = office.get(reverse("resolutions:adopt", args=[resolution.pk]))
    assert page.status_code == 200
    items = list(resolution.items.all())
    assert len(page.context["plans"]) == len(items)
    data = {}
    for item in items:
        data[f"item{item.pk}-deadline_kind"] = DeadlineKind.YEAR_END
        data[f"item{item.pk}-faculties"] = [people["faculty"].pk]
    first = items[0]
    data[f"item{first.pk}-deadline_kind"] = DeadlineKind.DATE
    data[f"item{first.pk}-deadline"] = ""  # a date kind without its date
    refused = office.post(reverse("resolutions:adopt", args=[resolution.pk]), data)
    assert refused.status_code == 400
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.DRAFT
    data[f"item{first.pk}-deadline"] = "2025-03-01"
    response = office.post(reverse("resolutions:adopt", args=[resolution.pk]), data)
    assert response.status_code == 302
    resolution.refresh_from_db()
    assert resolution.status == ResolutionStatus.ADOPTED
    assert resolution.assignments.get(item=first).deadline == datetime.date(2025, 3, 1)
    assert all(
        [r.faculty for r in a.responsibles.all()] == [people["faculty"]]
        for a in resolution.assignments.all()
    )


def test_the_admin_shows_the_execution_but_never_changes_it(world, people, admin_client):
    assignment = adopted(world, people).assignments.order_by("item__order").first()
    url = reverse("admin:reports_assignment_change", args=[assignment.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b'type="submit" value="Save"' not in page.content and b"_save" not in page.content
    response = admin_client.post(url, {"status": AssignmentStatus.DONE})
    assert response.status_code == 403
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.NOT_STARTED
    delete = admin_client.post(
        reverse("admin:reports_assignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_russian_page_shows_the_items_russian_text(world, people):
    assignment = adopted(world, people).assignments.order_by("item__order").first()
    item = assignment.item
    russian = client_for(people["vice_rector"], "ru")
    listed = russian.get(reverse("execution:list")).content.decode()
    page = russian.get(item_url(assignment)).content.decode()
    assert item.text_ru[:40] in listed and item.text_ru[:40] in page
    assert item.text[:40] not in page
    kyrgyz = client_for(people["vice_rector"], "ky").get(item_url(assignment)).content.decode()
    assert item.text[:40] in kyrgyz
