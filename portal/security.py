"""The security log (`portal.security`): logins, failed logins, lock-outs and refused access.

Every line names the user (or the username tried), the client's address and what happened; the
time is the log record's. The file handler in settings.LOGGING keeps them in var/log/security.log.
"""

import functools
import ipaddress
import logging

from django.conf import settings
from django.contrib.auth import signals
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

log = logging.getLogger("portal.security")

# In PORTAL_TRUSTED_PROXIES: the proxy reaches gunicorn through a unix socket.
UNIX_SOCKET = "unix"


def client_ip(request):
    """The client's address: the one function that decides it, for django-axes' lock-out
    (AXES_CLIENT_IP_CALLABLE), this log and the rate limits (portal/ratelimit.py).

    The socket's peer (REMOTE_ADDR), unless that peer is one of PORTAL_TRUSTED_PROXIES: then the
    address the proxy forwarded. Anyone can write X-Real-IP or X-Forwarded-For, so from any other
    peer the headers are ignored; trusting them would let a client pick a fresh address, and with
    it a fresh lock-out counter, for every guess."""
    if request is None:
        return None
    meta = request.META
    # gunicorn on a unix socket gives no address; only a proxy can reach that socket ("unix").
    peer = _address(meta.get("REMOTE_ADDR") or "")
    if peer is None and UNIX_SOCKET not in _trusted_proxies():
        return None  # None, not "": django-axes stores it as an address
    if peer is not None and not _trusted(peer):
        return str(peer)
    for candidate in _forwarded(meta):
        address = _address(candidate)
        if address is None:
            break  # not what a trusted proxy writes: the client's own text
        if not _trusted(address):
            return str(address)
    # Nothing usable forwarded (or only proxies): the proxy itself is all that is known.
    return str(peer) if peer is not None else None


def _forwarded(meta):
    """The forwarded addresses, nearest first. A proxy appends its peer to X-Forwarded-For
    (nginx: $proxy_add_x_forwarded_for), so its right end is the proxy's word and anything left
    of it may be the client's own text; read from the right, past the trusted proxies, the first
    other address is the client, which also holds for a chain of trusted proxies (a load
    balancer before nginx). X-Real-IP only when there is no X-Forwarded-For: many proxies pass a
    client's X-Real-IP through untouched, while nearly all append to X-Forwarded-For."""
    chain = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [part for part in chain if part]
    if chain:
        return list(reversed(chain))
    real_ip = meta.get("HTTP_X_REAL_IP", "").strip()
    return [real_ip] if real_ip else []


def _address(text):
    """An IP address from a header or REMOTE_ADDR, or None. An IPv4 client on a dual-stack socket
    arrives as ::ffff:a.b.c.d and is counted as a.b.c.d."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted_proxies():
    return tuple(getattr(settings, "PORTAL_TRUSTED_PROXIES", ()))


@functools.lru_cache(maxsize=8)
def _networks(proxies):
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies if p != UNIX_SOCKET)


def _trusted(address):
    networks = _networks(_trusted_proxies())
    return any(address.version == net.version and address in net for net in networks)


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
    """Connect the log's receivers (from PortalConfig.ready)."""
    # axes.signals imports axes' models, which need the app registry; this module is named in the
    # settings (its middleware, AXES_CLIENT_IP_CALLABLE) and must import without it.
    from axes.signals import user_locked_out

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
