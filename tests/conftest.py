"""What every test shares."""

import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Tests make many users; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def latest_dashboard_figures(settings):
    # The dashboard may show figures up to DASHBOARD_FIGURES_MAX_AGE seconds old, and caches its
    # content as long; tests want the latest (the window has its own test).
    settings.DASHBOARD_FIGURES_MAX_AGE = 0


@pytest.fixture(autouse=True)
def at_risk_computed_afresh(settings):
    # The students at risk are kept under the sessions' figures versions, which a test database
    # rolled back repeats from test to test: each test computes its own (keeping has its tests).
    settings.AT_RISK_CACHE_SECONDS = 0
