"""Logins and sessions: lock-out after repeated failures, strong passwords, the idle timeout, a
new session key at login, and the security log of logins, failures and refused access."""

import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseForbidden
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-password-1"
LOGIN = reverse("login")


@pytest.fixture
def english(client):
    client.cookies["portal_language"] = "en"
    return client


def _login(client, username, password, address="10.1.1.1"):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/"}, REMOTE_ADDR=address
    )


def _logged_in(client):
    return "_auth_user_id" in client.session


# --- Lock-out -----------------------------------------------------------------------------------


def test_five_failures_lock_the_username_from_that_address(english, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    factories.user("dean")
    for _ in range(4):
        response = _login(english, "dean", "wrong")
        assert response.status_code == 200  # the login page with its error
    response = _login(english, "dean", "wrong")
    assert response.status_code == 429
    html = response.content.decode()
    assert 'data-locked="true"' in html and "locked for 30 minutes" in html
    # Locked: even the right password does not get in.
    response = _login(english, "dean", PASSWORD)
    assert response.status_code == 429 and not _logged_in(english)
    # By username and address: the same user from another computer still logs in.
    other = Client()
    assert _login(other, "dean", PASSWORD, address="10.2.2.2").status_code == 302
    assert _logged_in(other)


def test_the_lock_ends_after_the_cool_off(english, settings):
    factories.user("dean")
    for _ in range(5):
        _login(english, "dean", "wrong")
    assert _login(english, "dean", PASSWORD).status_code == 429
    # Half an hour later (the attempts are dated back rather than the clock moved forward).
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME)
    response = _login(english, "dean", PASSWORD)
    assert response.status_code == 302 and _logged_in(english)


def test_an_administrator_unlocks_early(english):
    factories.user("dean")
    for _ in range(5):
        _login(english, "dean", "wrong")
    assert _login(english, "dean", PASSWORD).status_code == 429
    assert reset(username="dean") == 1
    assert _login(english, "dean", PASSWORD).status_code == 302


def test_a_success_clears_the_failures(english):
    factories.user("dean")
    for _ in range(4):
        _login(english, "dean", "wrong")
    assert _login(english, "dean", PASSWORD).status_code == 302
    english.logout()
    for _ in range(4):
        assert _login(english, "dean", "wrong").status_code == 200


def test_the_lock_message_is_translated_into_the_chosen_language(client, monkeypatch):
    # The msgid is English and goes through gettext when the page is drawn, in the person's
    # language (Kyrgyz by default): a stand-in gettext shows which language it was asked for.
    from django.utils import translation

    from portal import security

    monkeypatch.setattr(security, "_", lambda text: f"[{translation.get_language()}] {text}")
    factories.user("dean")
    for _ in range(5):
        response = _login(client, "dean", "wrong")
    assert response.status_code == 429
    assert "[ky] Too many failed login attempts." in response.content.decode()
    client.cookies["portal_language"] = "ru"
    assert "[ru] Too many" in _login(client, "dean", "wrong").content.decode()


# --- Passwords ----------------------------------------------------------------------------------


def test_a_short_password_is_refused():
    user = factories.user("dean")
    with pytest.raises(ValidationError) as refused:
        validate_password("Kx9!short", user)
    assert any(e.code == "password_too_short" for e in refused.value.error_list)
    with pytest.raises(ValidationError):
        validate_password("x7Lq-m2Pz9a", user)  # 11 characters
    validate_password("x7Lq-m2Pz9aW", user)  # 12: enough


def test_the_admin_refuses_a_weak_password(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newdean",
            "password1": "Short-pw-1",
            "password2": "Short-pw-1",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert not django_user_model.objects.filter(username="newdean").exists()
    for weak in ("password1234", "123456789012"):  # common, entirely numeric
        with pytest.raises(ValidationError):
            validate_password(weak)


# --- Sessions -----------------------------------------------------------------------------------


def test_the_session_key_changes_at_login(client):
    factories.user("dean")
    client.get(LOGIN)
    session = client.session
    session["before_login"] = True
    session.save()
    before = session.session_key
    assert client.cookies["sessionid"].value == before
    assert _login(client, "dean", PASSWORD).status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.get(session_key=after).get_decoded()["_auth_user_id"]


def test_the_session_ends_after_30_idle_minutes_and_each_request_renews_it(client, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    factories.user("dean")
    _login(client, "dean", PASSWORD)
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(minutes=5)
    )
    assert client.get(reverse("reports:home")).status_code == 200
    # The request pushed the expiry to half an hour from now.
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timedelta(minutes=29)
    # Idle past it: signed out.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("reports:home"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_idle_timeout_comes_from_the_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PORTAL_SESSION_IDLE_MINUTES": "10",
            "PORTAL_LOGIN_FAILURE_LIMIT": "3",
            "PORTAL_LOGIN_LOCKOUT_MINUTES": "60",
        }
    )
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_AGE, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.seconds)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["600", "3", "3600"]


# --- The security log ---------------------------------------------------------------------------


def _security(caplog, prefix=""):
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "portal.security" and r.getMessage().startswith(prefix)
    ]


def test_login_and_failed_login_are_logged_with_user_and_address(client, caplog):
    factories.user("dean")
    caplog.set_level(logging.INFO, logger="portal.security")
    _login(client, "dean", "wrong", address="10.9.8.7")
    _login(client, "dean", PASSWORD, address="10.9.8.7")
    client.post(reverse("logout"), REMOTE_ADDR="10.9.8.7")
    assert _security(caplog) == [
        "login failed user=dean client=10.9.8.7",
        "login user=dean client=10.9.8.7",
        "logout user=dean client=10.9.8.7",
    ]
    assert all(r.levelno >= logging.INFO and r.created for r in caplog.records)


def test_a_lock_out_is_logged(client, caplog):
    factories.user("dean")
    caplog.set_level(logging.INFO, logger="portal.security")
    for _ in range(5):
        _login(client, "dean", "wrong", address="10.9.8.7")
    lines = _security(caplog)
    assert lines.count("login failed user=dean client=10.9.8.7") == 5
    assert lines.count("login locked out user=dean client=10.9.8.7") == 1


def test_the_log_takes_the_forwarded_address_only_from_a_trusted_proxy(client, caplog, settings):
    factories.user("dean")
    caplog.set_level(logging.INFO, logger="portal.security")
    settings.PORTAL_BEHIND_PROXY = True  # the production default: no longer a licence to trust
    forwarded = {"HTTP_X_REAL_IP": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    settings.PORTAL_TRUSTED_PROXIES = []
    client.post(LOGIN, {"username": "dean", "password": "x"}, REMOTE_ADDR="127.0.0.1", **forwarded)
    settings.PORTAL_TRUSTED_PROXIES = ["127.0.0.1"]
    client.post(LOGIN, {"username": "dean", "password": "x"}, REMOTE_ADDR="127.0.0.1", **forwarded)
    client.post(LOGIN, {"username": "dean", "password": "x"}, REMOTE_ADDR="10.8.8.8", **forwarded)
    assert _security(caplog) == [
        "login failed user=dean client=127.0.0.1",  # no trusted proxy: the header is anyone's
        "login failed user=dean client=203.0.113.9",  # nginx's word
        "login failed user=dean client=10.8.8.8",  # a client writing the header itself
    ]


def test_a_forged_forwarded_address_from_an_untrusted_client_does_not_escape_the_lock_out(
    english, settings
):
    settings.PORTAL_BEHIND_PROXY = True
    settings.PORTAL_TRUSTED_PROXIES = ["127.0.0.1"]
    factories.user("dean")
    statuses = [
        english.post(
            LOGIN,
            {"username": "dean", "password": "wrong"},
            REMOTE_ADDR="10.7.7.7",
            HTTP_X_REAL_IP=f"198.51.100.{n}",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(6)
    ]
    assert statuses == [200, 200, 200, 200, 429, 429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.7.7.7"}


@pytest.mark.parametrize(
    "header", ["HTTP_X_REAL_IP", "HTTP_X_FORWARDED_FOR"], ids=["x-real-ip", "x-forwarded-for"]
)
def test_behind_a_trusted_proxy_the_lock_out_counts_the_forwarded_address(
    english, settings, header
):
    settings.PORTAL_TRUSTED_PROXIES = ["127.0.0.1"]
    factories.user("dean")

    def login(password, client_address, client=english):
        # What the client wrote into X-Forwarded-For itself comes first; nginx appends its peer.
        value = client_address if header == "HTTP_X_REAL_IP" else f"10.0.0.1, {client_address}"
        return client.post(
            LOGIN,
            {"username": "dean", "password": password},
            REMOTE_ADDR="127.0.0.1",
            **{header: value},
        )

    assert [login("wrong", "203.0.113.9").status_code for _ in range(5)][-1] == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    # Another client behind the same nginx is not locked out with the first.
    other = Client()
    assert login(PASSWORD, "203.0.113.10", client=other).status_code == 302


def test_a_refused_page_is_logged(client, caplog):
    user = factories.user("nobody")  # no role: the accreditation pages refuse
    client.force_login(user)
    caplog.set_level(logging.INFO, logger="portal.security")
    url = reverse("accreditation:sections")
    assert client.get(url, REMOTE_ADDR="10.3.3.3").status_code == 403
    [line] = _security(caplog, "access refused")
    assert line.startswith(f"access refused user=nobody client=10.3.3.3 method=GET path={url} ")
    assert "PermissionDenied" in line


def _denied(request):
    raise PermissionDenied("not your faculty")


def _forbidden(request):
    return HttpResponseForbidden("no")


# The portal's own URLs too: the 403 page (templates/403.html) is laid out with its menu.
urlpatterns = [
    path("denied/", _denied),
    path("forbidden/", _forbidden),
    path("", include("portal.urls")),
]


@pytest.mark.urls("tests.portal.test_logins")
def test_permission_denied_and_a_plain_403_are_both_logged(client, caplog):
    client.force_login(factories.user("dean"))
    caplog.set_level(logging.INFO, logger="portal.security")
    assert client.get("/denied/", REMOTE_ADDR="10.4.4.4").status_code == 403
    assert client.post("/forbidden/", REMOTE_ADDR="10.4.4.4").status_code == 403
    assert _security(caplog, "access refused") == [
        "access refused user=dean client=10.4.4.4 method=GET path=/denied/ "
        "reason=PermissionDenied: not your faculty",
        "access refused user=dean client=10.4.4.4 method=POST path=/forbidden/ reason=forbidden",
    ]


def test_a_csrf_refusal_is_logged(caplog):
    client = Client(enforce_csrf_checks=True)
    caplog.set_level(logging.INFO, logger="portal.security")
    response = client.post(LOGIN, {"username": "x", "password": "y"}, REMOTE_ADDR="10.5.5.5")
    assert response.status_code == 403
    assert _security(caplog) == [
        f"access refused user=- client=10.5.5.5 method=POST path={LOGIN} reason=forbidden"
    ]


def test_the_security_log_file_gets_timed_lines(client, settings):
    handler = next(
        h
        for h in logging.getLogger("portal.security").handlers
        if isinstance(h, logging.FileHandler)
    )
    assert Path(handler.baseFilename) == settings.SECURITY_LOG
    factories.user("filedean")
    _login(client, "filedean", "wrong", address="10.6.6.6")
    handler.flush()
    lines = [
        line
        for line in settings.SECURITY_LOG.read_text(encoding="utf-8").splitlines()
        if "user=filedean client=10.6.6.6" in line
    ]
    assert lines
    # "2026-11-26 20:00:57,439 WARNING portal.security login failed user=filedean ..."
    date, time, level, name, *_rest = lines[-1].split()
    assert timezone.datetime.strptime(f"{date} {time}", "%Y-%m-%d %H:%M:%S,%f")
    assert (level, name) == ("WARNING", "portal.security")
