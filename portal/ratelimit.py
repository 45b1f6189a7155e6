"""Rate limits: how many requests of a kind one client may make per window of time.

The client is `portal.security.client_ip` (the proxy's forwarded address only from a trusted
proxy), so a flood from one client never holds back another. The counters live in the "limits"
cache (settings.CACHES: Redis, or a database table), which every gunicorn worker shares.
"""

import time

from django.core.cache import caches

from .security import client_ip

CACHE = "limits"


def now():
    return time.time()


def over_limit(request, scope, limit, window):
    """Counts this request against its client in `scope`; True when the client has made more than
    `limit` of them in the current window of `window` seconds.

    The windows are fixed stretches of the clock, each with its own key: the database cache's
    incr() writes the count back with the cache's default lifetime, not the key's, so a single key
    per client would outlive its window there."""
    client = client_ip(request) or "-"
    key = f"{scope}:{client}:{int(now() // window)}"
    cache = caches[CACHE]
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
