"""What the report tests share: the people of the execution of the council's resolution."""

import pytest

from academics import roles
from tests import factories


@pytest.fixture
def people(world):
    """A faculty with its dean's office, another faculty with its own, the vice-rector and the
    academic department."""
    faculty = factories.faculty()
    other = factories.faculty()
    return {
        "faculty": faculty,
        "other": other,
        "dean": factories.user(role=roles.DEAN_OFFICE, faculty=faculty),
        "other_dean": factories.user(role=roles.DEAN_OFFICE, faculty=other),
        "vice_rector": factories.user(role=roles.VICE_RECTOR),
        "academic": factories.user(role=roles.ACADEMIC_DEPARTMENT),
    }
