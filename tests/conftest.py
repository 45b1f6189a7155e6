"""What every test shares."""

import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Tests make many users; the production hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
