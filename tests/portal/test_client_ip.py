"""The client's address (portal.security.client_ip): the socket's peer, or what a trusted proxy
forwarded; never what a client wrote into a header itself."""

import pytest
from django.test import RequestFactory

from portal.security import client_ip


def _ip(remote_addr="127.0.0.1", **headers):
    request = RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)
    return client_ip(request)


@pytest.fixture
def nginx(settings):
    settings.PORTAL_BEHIND_PROXY = True  # as in production: it no longer decides whom to believe
    settings.PORTAL_TRUSTED_PROXIES = ["127.0.0.1"]
    return settings


def test_without_trusted_proxies_the_headers_are_ignored(settings):
    settings.PORTAL_BEHIND_PROXY = True
    settings.PORTAL_TRUSTED_PROXIES = []
    forged = {"HTTP_X_REAL_IP": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert _ip("127.0.0.1", **forged) == "127.0.0.1"
    assert _ip("198.51.100.7", **forged) == "198.51.100.7"


def test_a_client_that_is_not_a_trusted_proxy_cannot_pick_its_address(nginx):
    assert _ip("198.51.100.7", HTTP_X_REAL_IP="203.0.113.9") == "198.51.100.7"
    assert _ip("198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9") == "198.51.100.7"


def test_from_the_trusted_proxy_x_real_ip_is_the_client(nginx):
    assert _ip("127.0.0.1", HTTP_X_REAL_IP="203.0.113.9") == "203.0.113.9"


def test_x_forwarded_for_is_read_from_the_right_past_the_trusted_proxies(nginx):
    # The client wrote "10.0.0.1" itself; nginx appended its peer.
    assert _ip("127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.9") == "203.0.113.9"
    # A load balancer (trusted) before nginx: its own peer is the client.
    nginx.PORTAL_TRUSTED_PROXIES = ["127.0.0.1", "10.20.0.0/16"]
    assert _ip("127.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9, 10.20.3.4") == "203.0.113.9"


def test_x_forwarded_for_wins_over_an_x_real_ip_the_proxy_may_have_passed_through(nginx):
    headers = {"HTTP_X_REAL_IP": "1.1.1.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert _ip("127.0.0.1", **headers) == "203.0.113.9"


def test_garbage_in_the_headers_leaves_the_proxys_own_address(nginx):
    assert _ip("127.0.0.1", HTTP_X_REAL_IP="unknown") == "127.0.0.1"
    assert _ip("127.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, not-an-address") == "127.0.0.1"
    assert _ip("127.0.0.1") == "127.0.0.1"


def test_ipv6_and_ipv4_mapped_addresses_are_recognised(settings):
    settings.PORTAL_TRUSTED_PROXIES = ["::1", "127.0.0.1"]
    assert _ip("::1", HTTP_X_REAL_IP="2001:db8::0:1") == "2001:db8::1"
    # An IPv4 proxy on a dual-stack socket.
    assert _ip("::ffff:127.0.0.1", HTTP_X_REAL_IP="203.0.113.9") == "203.0.113.9"
    assert _ip("::ffff:198.51.100.7", HTTP_X_REAL_IP="203.0.113.9") == "198.51.100.7"


def test_gunicorn_on_a_unix_socket_trusts_the_proxy_only_when_told(settings):
    settings.PORTAL_TRUSTED_PROXIES = []
    assert _ip("", HTTP_X_REAL_IP="203.0.113.9") is None
    settings.PORTAL_TRUSTED_PROXIES = ["unix"]
    assert _ip("", HTTP_X_REAL_IP="203.0.113.9") == "203.0.113.9"
    assert _ip("198.51.100.7", HTTP_X_REAL_IP="203.0.113.9") == "198.51.100.7"
