"""The 403, 404 and 500 pages: in the portal's layout and the reader's language, with debug off.

A dean's office opening "Council resolutions" is refused by permission_required, which raises
PermissionDenied: Django's handler403 renders templates/403.html. The 500 page is rendered with
no context at all (django.views.defaults.server_error), so it must stand on its own.
"""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from academics import roles
from tests import factories

pytestmark = pytest.mark.django_db

# The header's menu ("Home") and the page's own heading, per language.
EXPECTED = {
    "ky": {"home": "Башкы бет", 403: "Кирүүгө уруксат жок", 404: "Барак табылган жок"},
    "ru": {"home": "Главная", 403: "Доступ запрещён", 404: "Страница не найдена"},
}


def _dean_office_client(language):
    clerk = factories.user(role=roles.DEAN_OFFICE, faculty=factories.faculty())
    client = Client()
    client.force_login(clerk)
    client.cookies["portal_language"] = language
    return client


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_a_dean_office_refused_the_resolutions_gets_the_portal_page_in_its_language(
    settings, language
):
    settings.DEBUG = False
    response = _dean_office_client(language).get(reverse("resolutions:list"))
    assert response.status_code == 403
    page = response.content.decode()
    assert 'class="topbar"' in page and 'class="menu"' in page
    assert f'<html lang="{language}">' in page
    assert EXPECTED[language]["home"] in page
    assert f"<h1>{EXPECTED[language][403]}</h1>" in page
    assert "Forbidden" not in page


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_a_missing_page_gets_the_portal_page_in_its_language(settings, language):
    settings.DEBUG = False
    response = _dean_office_client(language).get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'class="topbar"' in page and 'class="menu"' in page
    assert EXPECTED[language]["home"] in page
    assert f"<h1>{EXPECTED[language][404]}</h1>" in page
    assert "Not Found" not in page


@pytest.mark.parametrize(
    ("language", "heading"), [("ky", "Сервердеги ката"), ("ru", "Ошибка сервера")]
)
def test_the_server_error_page_needs_no_context_and_speaks_the_language(language, heading):
    request = RequestFactory().get("/")
    with translation.override(language):
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in page
    assert 'class="topbar"' in page
    assert f"<h1>{heading}</h1>" in page


def test_a_view_that_fails_answers_with_the_server_error_page(settings, client):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.portal.failing_urls"
    client.raise_request_exception = False
    client.cookies["portal_language"] = "ru"
    response = client.get("/fail/")
    assert response.status_code == 500
    assert "<h1>Ошибка сервера</h1>" in response.content.decode()
