"""The admin's lists of students and teachers: in Kyrgyz alphabetical order by default and when
sorted by a click on the name column, both ways (portal.collation)."""

import pytest
from django.urls import reverse

from tests import factories
from tests.portal.test_collation import KYRGYZ_ORDER, SHUFFLED

pytestmark = pytest.mark.django_db


def names_in(page):
    found = {name: page.find(name) for name in KYRGYZ_ORDER}
    assert all(at >= 0 for at in found.values())
    return sorted(found, key=found.get)


@pytest.mark.parametrize(
    "url, make",
    [
        ("admin:academics_student_changelist", "student"),
        ("admin:academics_staffmember_changelist", "staff_member"),
    ],
)
def test_the_admin_lists_names_in_kyrgyz_order(admin_client, url, make):
    admin_client.cookies["portal_language"] = "ky"
    for name in SHUFFLED:
        getattr(factories, make)(full_name=name)
    for params, expected in (
        ({}, KYRGYZ_ORDER),
        ({"o": "1"}, KYRGYZ_ORDER),
        ({"o": "-1"}, KYRGYZ_ORDER[::-1]),
    ):
        response = admin_client.get(reverse(url), params)
        assert response.status_code == 200
        assert names_in(response.content.decode()) == expected, params
