"""The Content-Security-Policy: on every page and the admin, with no inline script or style
allowed, and no template that would need one."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def _policy(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def admin_client_(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", password="a-long-password-1")
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_login_page_carries_the_policy(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert _policy(response) == EXPECTED
    assert "Content-Security-Policy-Report-Only" not in response.headers  # enforced, not reported


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/dashboard/",
        "/admin/",
        "/admin/academics/student/",
        "/admin/academics/student/import/",
        "/admin/academics/student/export/",
        "/admin/auth/group/",
    ],
)
def test_pages_and_the_admin_carry_the_policy(admin_client_, url):
    factories.student()
    response = admin_client_.get(url)
    assert response.status_code == 200, url
    assert _policy(response) == EXPECTED


@pytest.mark.django_db
def test_a_refused_page_carries_it_too(client):
    client.force_login(factories.user())
    response = client.get(reverse("accreditation:sections"))
    assert response.status_code == 403
    assert _policy(response) == EXPECTED


@pytest.mark.django_db
def test_the_admins_export_page_has_no_inline_handler_or_style(admin_client_):
    # django-import-export's own template has onchange="" and style=""; ours moves them to
    # static/js/admin_export.js and static/css/admin_export.css.
    factories.student()
    html = admin_client_.get("/admin/academics/student/export/").content.decode()
    assert "select-toggle" in html and "js/admin_export.js" in html
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert " style=" not in html


def _template_files():
    dirs = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    dirs += [p for p in ROOT.glob("*/templates") if ".venv" not in p.parts]
    return sorted({f for d in dirs for f in d.rglob("*.html")})


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)


def test_no_template_needs_inline_script_or_style():
    files = _template_files()
    assert len(files) > 20
    offences = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, STYLE_ATTRIBUTE, EVENT_HANDLER, STYLE_ELEMENT):
            for match in pattern.finditer(text):
                offences.append(f"{path.relative_to(ROOT)}: {match.group(0)[:80]}")
    assert offences == []


def test_the_scan_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script id="d" type="application/json">{}</script>')
    assert STYLE_ATTRIBUTE.search('<p class="a" style="color: red">')
    assert EVENT_HANDLER.search('<input type="checkbox"\n  onchange="go(event)">')
    assert not EVENT_HANDLER.search('<input data-once="1">')
