"""The council's resolution's items on the pages: each responsible's items due soon or overdue on
their home page, and the dashboard's panel of the latest resolutions' items by status, for those
who see every item; both follow a status change at once."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from academics import roles
from reports.execution import overview
from reports.execution import services as execution
from reports.execution.models import OVERDUE, STATUS_ORDER, AssignmentStatus, DeadlineKind
from reports.resolutions import services as resolutions
from tests import factories
from tests.reports.test_resolution import new_resolution
from tests.reports.test_resolution_views import client_for

pytestmark = pytest.mark.django_db

HOME = reverse("reports:home")
DASHBOARD = reverse("reports:dashboard")


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def people():
    faculty, other = factories.faculty(), factories.faculty()
    return {
        "faculty": faculty,
        "other": other,
        "dean": factories.user(role=roles.DEAN_OFFICE, faculty=faculty),
        "other_dean": factories.user(role=roles.DEAN_OFFICE, faculty=other),
        "person": factories.user(),  # no role: named on an item all the same
        "vice_rector": factories.user(role=roles.VICE_RECTOR),
        "academic": factories.user(role=roles.ACADEMIC_DEPARTMENT),
    }


def adopt(people, year=2023, council_date=None, plans=None):
    """An adopted resolution on `year`'s summer session; `plans` {item order: Plan}, the others
    the faculty's, due in 30 days."""
    session = factories.exam_session(academic_year=factories.academic_year(year))
    fields = {"council_date": council_date} if council_date else {}
    resolution = new_resolution(session, **fields)
    chosen = {}
    for item in resolution.items.all():
        chosen[item.pk] = (plans or {}).get(item.order) or execution.Plan(
            DeadlineKind.DATE, days(30), faculties=[people["faculty"]]
        )
    return resolutions.adopt(resolution, people["vice_rector"], chosen)


def by_order(resolution):
    return {a.item.order: a for a in resolution.assignments.select_related("item")}


def item_path(assignment):
    return reverse("execution:item", args=[assignment.pk])


def listed(page):
    """The items' links of the home page's list, in its order, each with whether it is marked
    overdue."""
    section = page[page.index('class="card due-items"') :]
    section = section[: section.index("</section>")]
    rows = re.findall(r'<li class="(overdue|due)">\s*<a href="([^"]+)"', section)
    return [(path, kind == "overdue") for kind, path in rows]


@pytest.fixture
def resolution(people):
    """Item 1 overdue, item 2 due in 5 days (also the person's), item 3 in 20 days, item 4 the
    other faculty's."""
    faculty = people["faculty"]
    return adopt(
        people,
        plans={
            1: execution.Plan(DeadlineKind.DATE, days(-2), faculties=[faculty]),
            2: execution.Plan(
                DeadlineKind.DATE, days(5), faculties=[faculty], users=[people["person"]]
            ),
            3: execution.Plan(DeadlineKind.DATE, days(20), faculties=[faculty]),
            4: execution.Plan(DeadlineKind.DATE, days(3), faculties=[people["other"]]),
        },
    )


# --- The home page --------------------------------------------------------------------------------


def test_the_home_page_lists_ones_items_due_soon_or_overdue(resolution, people):
    items = by_order(resolution)
    page = client_for(people["dean"]).get(HOME).content.decode()
    assert "Your items of the council's resolution" in page
    # Overdue first and marked; not the item due in 20 days (nor those in 30), nor the other
    # faculty's.
    assert listed(page) == [(item_path(items[1]), True), (item_path(items[2]), False)]
    assert listed(client_for(people["other_dean"]).get(HOME).content.decode()) == [
        (item_path(items[4]), False)
    ]


def test_a_person_with_no_role_sees_their_items(resolution, people):
    items = by_order(resolution)
    response = client_for(people["person"]).get(HOME)
    assert response.context["no_role"]
    assert listed(response.content.decode()) == [(item_path(items[2]), False)]


def test_someone_who_reports_on_nothing_due_sees_no_list(resolution, people):
    page = client_for(people["academic"]).get(HOME).content.decode()
    assert "due-items" not in page


def test_an_item_done_leaves_the_list_at_once(resolution, people):
    items = by_order(resolution)
    dean = client_for(people["dean"])
    assert len(listed(dean.get(HOME).content.decode())) == 2
    report = execution.submit_report(items[1].responsibles.get(), people["dean"], "Бүттү", 100)
    # Reported, not yet accepted: still the dean's office's to finish.
    assert [path for path, _ in listed(dean.get(HOME).content.decode())][0] == item_path(items[1])
    execution.review_report(report, people["vice_rector"], accept=True)
    assert listed(dean.get(HOME).content.decode()) == [(item_path(items[2]), False)]


# --- The dashboard's panel ------------------------------------------------------------------------


def panel_counts(page):
    """{resolution list link: {status: count}} as the panel shows them."""
    section = page[page.index('class="card execution-panel"') :]
    section = section[: section.index("</section>")]
    shown = {}
    for block in section.split('<div class="execution-resolution">')[1:]:
        link = re.search(r'<h3><a href="([^"]+)"', block).group(1).replace("&amp;", "&")
        shown[link] = {
            status: int(count)
            for status, count in re.findall(
                r'<li class="status-(\w+)[^"]*"><span class="status-count">(\d+)</span>', block
            )
        }
    return shown


def list_link(resolution):
    return f"{reverse('execution:list')}?resolution={resolution.pk}"


def expected(resolution):
    today = timezone.localdate()
    return {list_link(resolution): execution.counts(resolution.assignments.all(), today)}


def test_the_vice_rector_s_dashboard_counts_the_items_by_status(resolution, people):
    response = client_for(people["vice_rector"]).get(HOME, follow=True)
    assert response.redirect_chain[-1][0] == DASHBOARD
    shown = panel_counts(response.content.decode())
    assert shown == expected(resolution)
    # Overdue first, then open, then closed; item 1 is overdue.
    assert list(shown[list_link(resolution)]) == STATUS_ORDER
    assert shown[list_link(resolution)][OVERDUE] == 1


def test_the_panel_shows_a_status_change_at_once_though_the_dashboard_is_cached(
    resolution, people, settings
):
    cache.clear()
    settings.DASHBOARD_FIGURES_MAX_AGE = 60
    rector = client_for(people["vice_rector"])
    before = panel_counts(rector.get(DASHBOARD).content.decode())
    overdue = by_order(resolution)[1]
    execution.cancel(overdue, people["vice_rector"], "Керексиз болуп калды", overdue.version)
    after = panel_counts(rector.get(DASHBOARD).content.decode())
    assert after == expected(resolution) != before
    link = list_link(resolution)
    assert after[link][OVERDUE] == before[link][OVERDUE] - 1
    assert after[link][AssignmentStatus.CANCELLED] == before[link][AssignmentStatus.CANCELLED] + 1
    cache.clear()


def test_the_panel_shows_the_two_latest_resolutions_newest_first(people):
    oldest = adopt(people, 2021, datetime.date(2022, 8, 30))
    newest = adopt(people, 2023, datetime.date(2024, 8, 28))
    middle = adopt(people, 2022, datetime.date(2023, 8, 29))
    page = client_for(people["academic"]).get(DASHBOARD).content.decode()
    shown = panel_counts(page)
    assert list(shown) == [list_link(newest), list_link(middle)]
    assert shown == {**expected(newest), **expected(middle)}
    assert list_link(oldest) not in page


def test_the_panel_is_for_those_who_see_every_item(resolution, people):
    response = client_for(people["dean"]).get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["execution"] is None
    assert "execution-panel" not in response.content.decode()


def test_the_panel_reads_the_same_number_of_queries_however_many_items(people):
    today = timezone.localdate()
    rector = people["vice_rector"]
    first = adopt(people, 2022, datetime.date(2023, 8, 29))
    overview.latest_counts(rector, today)  # the user's permissions, read once
    with CaptureQueriesContext(connection) as one:
        overview.latest_counts(rector, today)
    second = adopt(people, 2023)
    with CaptureQueriesContext(connection) as two:
        panel = overview.latest_counts(rector, today)
    assert [row.total for row in panel] == [r.assignments.count() for r in (second, first)]
    assert len(two) == len(one)
