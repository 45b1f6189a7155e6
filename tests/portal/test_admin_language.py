"""The admin reads in Kyrgyz (and Russian): Django's own admin strings its Kyrgyz catalogue
lacks or gets wrong, and the third-party apps' (django-axes, django-rq, django-import-export),
translated in locale_vendor/. A page fails on a Latin-letter word outside a short allow-list.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

# Words that stay Latin in a Kyrgyz page: file formats, protocol names, and Django's boolean
# icons' alt text ("True"/"False", hard-coded in django.contrib.admin, read only by screen readers).
ALLOWED = {"xlsx", "xls", "csv", "tsv", "json", "yaml", "html", "ods", "IP", "GET", "POST", "SHA"}
ALLOWED |= {"True", "False"}
# What the pages below show as data: the test's admin user, the locked-out login's browser and
# address, and django-rq's queue.
DATA = {"bosh", "Firefox", "accounts", "login", "default"}


class _Text(HTMLParser):
    """The words a reader sees: text outside script, style and code (import-export's list of the
    column headers a file must carry, typed as they are), and titles, placeholders, alt texts and
    button values."""

    def __init__(self):
        super().__init__()
        self.words, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self._skip += 1
        attrs = dict(attrs)
        for name in ("title", "placeholder", "aria-label", "alt"):
            if attrs.get(name):
                self.handle_data(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.handle_data(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.words += re.findall(r"[A-Za-z][A-Za-z_]+", data)


def english_words(html):
    parser = _Text()
    parser.feed(html)
    return sorted({w for w in parser.words if w not in ALLOWED | DATA})


@pytest.fixture
def admin_in():
    admin = factories.user(username="bosh", is_staff=True, is_superuser=True)

    def open_as(language):
        client = Client()
        client.force_login(admin)
        client.cookies["portal_language"] = language
        return client

    return open_as


@pytest.fixture
def lockouts():
    """A locked-out login and its failure, so that axes' lists show rows and their columns."""
    fields = {"username": "bosh", "ip_address": "10.0.0.7", "user_agent": "Firefox"}
    fields |= {"http_accept": "text/html", "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(failures_since_start=5, get_data="", post_data="", **fields)
    AccessFailureLog.objects.create(locked_out=True, **fields)


PAGES = [
    "admin:index",
    "admin:axes_accessattempt_changelist",
    "admin:axes_accessfailurelog_changelist",
    "admin:django_rq_dashboard_changelist",
    "admin:academics_student_changelist",
    "admin:accreditation_agency_import",
    "admin:auth_user_add",
]


@pytest.mark.parametrize("language", ["ky", "ru"])
@pytest.mark.parametrize("name", PAGES)
def test_the_admin_and_its_third_party_apps_show_no_english_word(
    admin_in, lockouts, language, name
):
    response = admin_in(language).get(reverse(name))
    assert response.status_code == 200
    assert english_words(response.content.decode()) == []


def test_the_admin_index_names_the_third_party_apps_in_kyrgyz(admin_in):
    page = admin_in("ky").get(reverse("admin:index")).content.decode()
    for name in ("Кирүү аракеттери жана бөгөттөр", "Кирүү аракеттери", "Ийгиликсиз кирүүлөр"):
        assert name in page
    assert "Фондогу тапшырмалардын кезектери" in page
    assert "Мүмкүн эмес" not in page and "Эч нерсе жок" in page


def test_the_kyrgyz_mistranslations_are_fixed(admin_in, lockouts):
    page = admin_in("ky").get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "Өзгөртүү үчүн кирүү аракети тандаңыз" in page and "обекттерин" not in page
    assert "Каалаган күн" in page and "Кааалаган" not in page


def test_the_kyrgyz_selection_counter_has_its_spaces(admin_in):
    # The admin's "0 of 98 selected" under its actions: Django's Kyrgyz wrote
    # "%(cnt)sнерседен %(sel)sтандалды", which read "98нерседен 0тандалды".
    catalog = admin_in("ky").get(reverse("admin:jsi18n")).content.decode()
    assert json.dumps("%(cnt)s жазуунун %(sel)s тандалды") in catalog
    assert json.dumps("нерседен")[1:-1] not in catalog
