"""System checks of the portal's own settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxies(app_configs, **kwargs):
    # Behind nginx with no trusted proxy, every client is nginx's 127.0.0.1: one survey flood
    # holds back every respondent, and the security log names nobody.
    if settings.PORTAL_BEHIND_PROXY and not settings.PORTAL_TRUSTED_PROXIES:
        return [
            Warning(
                "PORTAL_BEHIND_PROXY is on but PORTAL_TRUSTED_PROXIES is empty, so every client "
                "looks like the proxy's address to the login lock-out, the security log and the "
                "survey form's rate limit.",
                hint="Set PORTAL_TRUSTED_PROXIES to the proxy's address (127.0.0.1 for the nginx "
                "of deploy/nginx-portal.conf), or PORTAL_BEHIND_PROXY=0 without a proxy.",
                id="portal.W001",
            )
        ]
    return []
