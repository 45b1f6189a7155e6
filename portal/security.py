"""The security log (`portal.security`): logins, failed logins, lock-outs and refused access.

Every line names the user (or the username tried), the client's address and what happened; the
time is the log record's. The file handler in settings.LOGGING keeps them in var/log/security.log.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

log = logging.getLogger("portal.security")


def client_ip(request):
    """The client's address. Behind the reverse proxy (PORTAL_BEHIND_PROXY) it is the one nginx
    writes into X-Real-IP, overwriting anything the client sent; otherwise the socket's peer.
    Trusting the header without a proxy in front would let anyone pick their address, and with
    it a fresh lock-out counter for every guess."""
    if request is None:
        return None
    meta = request.META
    if getattr(settings, "PORTAL_BEHIND_PROXY", False) and meta.get("HTTP_X_REAL_IP"):
        return meta["HTTP_X_REAL_IP"].strip()
    return meta.get("REMOTE_ADDR") or None  # None, not "": django-axes stores it as an address


def _client(request):
    return client_ip(request) or "-"


def _username(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return "-"
    return user.get_username()


def logged_in(sender, request, user, **kwargs):
    log.info("login user=%s client=%s", _username(user), _client(request))


def login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or "-"
    log.warning("login failed user=%s client=%s", username, _client(request))


def logged_out(sender, request, user, **kwargs):
    log.info("logout user=%s client=%s", _username(user), _client(request))


def locked_out(sender, request, username=None, ip_address=None, **kwargs):
    log.warning(
        "login locked out user=%s client=%s", username or "-", ip_address or _client(request)
    )


def connect():
    from axes.signals import user_locked_out
    from django.contrib.auth import signals

    signals.user_logged_in.connect(logged_in, dispatch_uid="portal.security.logged_in")
    signals.user_login_failed.connect(login_failed, dispatch_uid="portal.security.login_failed")
    signals.user_logged_out.connect(logged_out, dispatch_uid="portal.security.logged_out")
    user_locked_out.connect(locked_out, dispatch_uid="portal.security.locked_out")


class RefusedAccessLogMiddleware:
    """Logs every answer 403: a view's PermissionDenied (with its reason), a CSRF refusal, or any
    view answering Forbidden itself. Sits after AuthenticationMiddleware to know the user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            reason = getattr(request, "_portal_denied", "") or "forbidden"
            log.warning(
                "access refused user=%s client=%s method=%s path=%s reason=%s",
                _username(getattr(request, "user", None)),
                _client(request),
                request.method,
                request.get_full_path(),
                reason,
            )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            detail = str(exception)
            request._portal_denied = f"PermissionDenied: {detail}" if detail else "PermissionDenied"
        return None  # Django's own handling answers 403


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, saying the account is locked and for how long (django-axes calls
    this instead of its plain-text answer)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed login attempts. Logging in as this user from this computer is locked "
        "for %(minutes)s minutes. Try again later, or ask the portal's administrator to unlock it."
    ) % {"minutes": minutes}
    return TemplateResponse(
        request,
        "registration/login.html",
        {"locked_message": message, "locked": True},
        status=429,
    ).render()
