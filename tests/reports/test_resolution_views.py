"""The resolution's pages: who may read and who may edit, create and edit with the items' formset,
adopt, the frozen page, the language of the document, and the downloads."""

import datetime
import shutil
import subprocess
from io import BytesIO

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from academics import roles
from reports.resolutions import documents
from reports.resolutions import services as service
from reports.resolutions.models import Resolution, ResolutionStatus
from tests import factories
from tests.reports.test_resolution import build_world, new_resolution

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def client_for(user, language="en"):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = language
    return client


@pytest.fixture
def vice_rector():
    return client_for(factories.user(role=roles.VICE_RECTOR))


@pytest.fixture
def resolution(world):
    return new_resolution(world["session"])


def url(name, resolution=None, query=""):
    args = [resolution.pk] if resolution is not None else []
    return reverse(f"resolutions:{name}", args=args) + query


def page_text(response):
    return response.content.decode()


# --- Who may do what ------------------------------------------------------------------------------


def test_the_roles_hold_the_permissions():
    vice_rector = factories.user(role=roles.VICE_RECTOR)
    department = factories.user(role=roles.ACADEMIC_DEPARTMENT)
    assert vice_rector.has_perm("reports.change_resolution")
    assert department.has_perm("reports.view_resolution")
    assert not department.has_perm("reports.change_resolution")
    assert Permission.objects.filter(
        group__name=roles.VICE_RECTOR, codename="view_examsession"
    ).exists(), "the role keeps what it had"


def test_the_deans_office_sees_no_resolution(world, resolution):
    dean = client_for(factories.user(role=roles.DEAN_OFFICE, faculty=factories.faculty()))
    for name, target in [
        ("list", None),
        ("create", None),
        ("detail", resolution),
        ("edit", resolution),
        ("adopt", resolution),
        ("docx", resolution),
        ("pdf", resolution),
    ]:
        assert dean.get(url(name, target)).status_code == 403, name
    assert dean.post(url("adopt", resolution)).status_code == 403
    assert Resolution.objects.get(pk=resolution.pk).status == ResolutionStatus.DRAFT


def test_the_academic_department_reads_but_does_not_edit(world, resolution):
    department = client_for(factories.user(role=roles.ACADEMIC_DEPARTMENT))
    assert department.get(url("list")).status_code == 200
    detail = department.get(url("detail", resolution))
    assert detail.status_code == 200
    assert url("edit", resolution) not in page_text(detail)
    assert department.get(url("docx", resolution)).status_code == 200
    for name in ("edit", "adopt"):
        assert department.get(url(name, resolution)).status_code == 403
    assert department.get(url("create")).status_code == 403


def test_anonymous_users_are_sent_to_log_in(resolution):
    response = Client().get(url("detail", resolution))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Create and edit ------------------------------------------------------------------------------


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "40",
    }


def record(world, **fields):
    return {
        "session": world["session"].pk,
        "council_date": "2024-08-28",
        "protocol_number": "7",
        "reporter_position": "Окуу иштери боюнча проректор",
        "reporter_name": "У.Ж. Мамытов",
        "controller": "",
        "verdict": "satisfactory",
        "university": "",
        **fields,
    }


def test_the_create_page_starts_from_the_seeds_items(world, vice_rector):
    response = vice_rector.get(url("create"))
    assert response.status_code == 200
    assert service.DEFAULT_ITEMS[1][0] in page_text(response)
    assert "<script>" not in page_text(response)


def test_the_vice_rector_creates_a_draft(world, vice_rector):
    data = {
        **record(world),
        **management("items", 3),
        "items-0-text": "Биринчи иш",
        "items-0-responsible": "декандар",
        "items-0-deadline": "окуу жылынын аягына чейин",
        "items-0-ORDER": "2",
        "items-1-text": "Экинчи иш",
        "items-1-ORDER": "1",
        "items-2-text": "",  # a blank item is no item
    }
    response = vice_rector.post(url("create"), data)
    resolution = Resolution.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", resolution)
    assert resolution.status == ResolutionStatus.DRAFT
    # Left empty, the reporter controls the execution.
    assert resolution.controller == "Окуу иштери боюнча проректор У.Ж. Мамытов"
    assert [(i.order, i.text, i.responsible) for i in resolution.items.all()] == [
        (1, "Экинчи иш", ""),
        (2, "Биринчи иш", "декандар"),
    ]


def test_a_bad_record_is_shown_again_with_its_errors(world, vice_rector):
    data = {**record(world, reporter_name=""), **management("items", 0)}
    response = vice_rector.post(url("create"), data)
    assert response.status_code == 200
    assert Resolution.objects.count() == 0
    assert "errorlist" in page_text(response)


def test_editing_reorders_removes_and_adds_items(world, vice_rector, resolution):
    items = list(resolution.items.all())
    assert vice_rector.get(url("edit", resolution)).status_code == 200
    data = {**record(world, reporter_name="А.Б. Асанов"), **management("items", 4, 3)}
    for index, (item, order) in enumerate(zip(items[:3], (3, 2, 2), strict=True)):
        data[f"items-{index}-text"] = item.text
        data[f"items-{index}-ORDER"] = str(order)
    data["items-1-DELETE"] = "on"
    data["items-3-text"] = "Жаңы пункт"
    data["items-3-ORDER"] = "1"
    response = vice_rector.post(url("edit", resolution), data)
    assert response.status_code == 302
    resolution.refresh_from_db()
    assert resolution.reporter_name == "А.Б. Асанов"
    assert [i.text for i in resolution.items.all()] == ["Жаңы пункт", items[2].text, items[0].text]
    assert [i.order for i in resolution.items.all()] == [1, 2, 3]


# --- The page, adopting, and the frozen page ------------------------------------------------------


def test_the_page_shows_the_computed_figures_in_kyrgyz(world, vice_rector, resolution):
    response = vice_rector.get(url("detail", resolution))
    assert response.status_code == 200
    text = page_text(response)
    for figure in ("57,1%", "28,6%", "71,4%", "42,9%", "85,7%", "66,7%"):
        assert figure in text
    assert 'lang="ky"' in text  # the document, whatever the interface's language (en here)
    assert url("adopt", resolution) in text and url("edit", resolution) in text
    assert "<script>" not in text  # only the external print script: a CSP comes later


def test_russian_and_english_on_request(world, vice_rector, resolution):
    russian = page_text(vice_rector.get(url("detail", resolution, "?lang=ru")))
    assert '<article class="paper resolution" lang="ru">' in russian
    assert "57,1%" in russian  # Russian writes decimals with a comma too
    english = page_text(vice_rector.get(url("detail", resolution, "?lang=en")))
    assert '<article class="paper resolution" lang="en">' in english
    assert "57.1%" in english and "57,1%" not in english
    unknown = page_text(vice_rector.get(url("detail", resolution, "?lang=xx")))
    assert '<article class="paper resolution" lang="ky">' in unknown
    response = vice_rector.get(url("docx", resolution, "?lang=ru"))
    assert response["Content-Disposition"].endswith('-ru.docx"')

    from docx import Document

    assert Document(BytesIO(response.content)).core_properties.language == "ru"


def adopt_data(confirm):
    """What the adopt page posts as it stands: each item's plan as the page proposes it."""
    data = {}
    for _item, form, _number in confirm.context["plans"]:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is None:
                continue
            key = form.add_prefix(name)
            if isinstance(value, list):
                data[key] = [getattr(v, "pk", v) for v in value]
            else:
                data[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def test_adopting_asks_first_then_freezes(world, vice_rector, resolution):
    confirm = vice_rector.get(url("adopt", resolution))
    assert confirm.status_code == 200 and "57,1%" in page_text(confirm)
    assert Resolution.objects.get(pk=resolution.pk).status == ResolutionStatus.DRAFT
    response = vice_rector.post(url("adopt", resolution), adopt_data(confirm))
    assert response.status_code == 302
    adopted = Resolution.objects.get(pk=resolution.pk)
    assert adopted.status == ResolutionStatus.ADOPTED and adopted.frozen_figures
    page = page_text(vice_rector.get(url("detail", resolution)))
    assert url("edit", resolution) not in page and url("adopt", resolution) not in page


def test_an_adopted_resolution_cannot_be_edited(world, vice_rector, resolution):
    service.adopt(resolution, None)
    response = vice_rector.get(url("edit", resolution), follow=True)
    assert response.redirect_chain[-1][0] == url("detail", resolution)
    assert "can no longer be changed" in page_text(response)
    data = {**record(world, reporter_name="Башка"), **management("items", 0)}
    response = vice_rector.post(url("edit", resolution), data)
    assert response.status_code == 302
    assert Resolution.objects.get(pk=resolution.pk).reporter_name == "У.Ж. Мамытов"
    assert vice_rector.post(url("adopt", resolution)).status_code == 302


def test_the_admin_shows_an_adopted_resolution_read_only(world, resolution):
    admin = client_for(factories.user(is_staff=True, is_superuser=True))
    change = reverse("admin:reports_resolution_change", args=[resolution.pk])
    assert admin.get(change).status_code == 200
    service.adopt(resolution, None)
    page = admin.get(change)
    assert page.status_code == 200 and 'name="reporter_name"' not in page_text(page)
    response = admin.post(change, {"reporter_name": "Башка"})
    assert response.status_code == 403
    delete = reverse("admin:reports_resolution_delete", args=[resolution.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    assert Resolution.objects.filter(pk=resolution.pk).exists()


# --- Downloads ------------------------------------------------------------------------------------


def test_the_docx_download(world, vice_rector, resolution):
    from docx import Document

    response = vice_rector.get(url("docx", resolution))
    assert response.status_code == 200
    assert response["Content-Type"] == service_docx_type()
    assert response["Content-Disposition"] == 'attachment; filename="dolboor-2023-2024-II-ky.docx"'
    text = "\n".join(p.text for p in Document(BytesIO(response.content)).paragraphs)
    assert "57,1%" in text and "71,4%" in text


def service_docx_type():
    from reports.resolutions.views import DOCX_TYPE

    return DOCX_TYPE


def test_the_pdf_download(world, vice_rector, resolution):
    response = vice_rector.get(url("pdf", resolution))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "57,1%" in text


def test_without_weasyprints_libraries_the_pdf_answers_503(
    world, vice_rector, resolution, monkeypatch
):
    def missing():
        raise documents.DocumentLibrariesMissing("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(documents, "_weasyprint", missing)
    response = vice_rector.get(url("pdf", resolution))
    assert response.status_code == 503
    assert "libpango-1.0-0" in response.content.decode()


# --- The list -------------------------------------------------------------------------------------


def test_the_list_sorts_links_and_exports_every_resolution(world, vice_rector):
    older = new_resolution(world["session"])
    older.council_date = datetime.date(2025, 1, 20)
    older.protocol_number = "3"
    older.save()
    newer = new_resolution(world["session"])
    newer.council_date = datetime.date(2025, 6, 30)
    newer.save()

    page = page_text(vice_rector.get(url("list")))
    assert url("detail", newer) in page and "№ 3" in page
    assert page.index(url("detail", newer)) < page.index(url("detail", older))
    ascending = page_text(vice_rector.get(url("list", query="?sort=council_date")))
    assert ascending.index(url("detail", older)) < ascending.index(url("detail", newer))

    response = vice_rector.get(url("list", query="?_export=xlsx&_table=resolutions"))
    rows = list(openpyxl.load_workbook(BytesIO(response.content)).active.values)
    assert rows[0][0] == "Council date"
    assert [row[0].date() for row in rows[1:]] == [newer.council_date, older.council_date]
    assert rows[2][3] == "Draft"
