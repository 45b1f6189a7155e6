"""The demo university's sections 1-4 and 10 give the seed report's figures, and its state
attestation lists are written once: a second run changes nothing."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import include, path
from django.utils import translation

from academics import roles
from academics.models import AcademicYear
from demo.attestation import seed_attestation_demo
from demo.university import START_YEAR, seed_demo
from reports.attestation import AttestationScope, attestation
from reports.load import teaching_load
from reports.sections_views import sections
from reports.staff import staff_by_faculty
from reports.structure import groups_by_level_form, programs_by_level_form
from sessions_app.choices import AttestationKind
from sessions_app.models import AttestationEntry, StateAttestation
from tests import factories

urlpatterns = [
    path("test/sections/", sections, name="test_sections"),
    path("", include("portal.urls")),
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo structure and its attestation, once for the module, rolled back at its end. The
    exam session is left out: these sections do not need it."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        written = seed_attestation_demo()
        yield written
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def _year():
    return AcademicYear.objects.get(start_year=START_YEAR)


def _cells(table):
    with translation.override("en"):
        return {str(b.label): [c.count for c in b.cells] for b in table.bands}


def test_section_1_programs():
    table = programs_by_level_form()
    # The seed: day specialist 3, bachelor 30; extramural 1, 23; master 14, 1; college 29, 21.
    assert _cells(table) == {
        "Higher professional, day": [3, 30],
        "Higher professional, extramural": [1, 23],
        "Master's": [14, 1],
        "Secondary professional": [29, 21],
        "PhD": [0, 0],
        "Short courses": [5, 0],
    }
    # The short courses have no groups yet.
    assert programs_by_level_form(_year(), running_only=True).total == table.total - 5


def test_section_2_groups():
    table = groups_by_level_form(_year())
    assert _cells(table)["Higher professional"] == [123, 215]
    assert _cells(table)["Master's"] == [30, 2]
    assert _cells(table)["Secondary professional"] == [117, 33]
    assert [band.total for band in table.bands[:3]] == [338, 32, 150]
    assert table.total == 520


def test_section_3_staff():
    figures = staff_by_faculty()
    higher, secondary = figures.levels
    assert (higher.headcount.total, secondary.headcount.total) == (309, 173)
    university = figures.total
    assert (university.headcount.total, university.degreed.total) == (482, 194)
    assert str(university.quality_pct) == "40.25"  # the seed's 40.2 %


def test_section_4_load():
    figures = teaching_load(_year())
    university = figures.total
    assert (university.planned, university.performed, university.difference) == (
        547_203,
        551_233,
        4_030,
    )
    assert figures.over and figures.under
    assert all(row.reasons for row in figures.over + figures.under)


def test_section_10_attestation(seeded):
    assert seeded == {AttestationKind.SPECIAL_EXAM: 721, AttestationKind.THESIS: 625}
    with translation.override("en"):
        rows = [row.as_dict() for row in attestation(_year(), AttestationScope.FORM)]
    assert rows == [
        {
            "kind": AttestationKind.SPECIAL_EXAM,
            "scope": "day",
            "key": "day",
            "listed": 721,
            "ordered": 627,
            "sat": 615,
            "grade_5": 222,
            "grade_4": 297,
            "grade_3": 96,
            "grade_2": 0,
            "not_in_time": 12,
            "absolute_pct": 85.30,
            "quality_pct": 71.98,
        },
        {
            "kind": AttestationKind.THESIS,
            "scope": "day",
            "key": "day",
            "listed": 625,
            "ordered": 625,
            "sat": 604,
            "grade_5": 270,
            "grade_4": 302,
            "grade_3": 32,
            "grade_2": 0,
            "not_in_time": 21,
            "absolute_pct": 96.64,
            "quality_pct": 91.52,
        },
    ]


def test_the_demo_lists_are_consistent():
    # Every entry is a final-year day student of the attestation's own program, and nobody
    # defends a thesis who was not admitted to the state exam.
    entries = AttestationEntry.objects.select_related("student__group__program", "attestation")
    for entry in entries:
        group = entry.student.group
        assert group.program_id == entry.attestation.program_id
        assert group.program.form == "day"
        entry.full_clean()
    admitted_to_exam = set(
        AttestationEntry.objects.filter(
            attestation__kind=AttestationKind.SPECIAL_EXAM, ordered=True
        ).values_list("student", flat=True)
    )
    thesis = set(
        AttestationEntry.objects.filter(attestation__kind=AttestationKind.THESIS).values_list(
            "student", flat=True
        )
    )
    assert thesis <= admitted_to_exam


def test_a_second_run_changes_nothing():
    def snapshot():
        return [
            list(model.objects.order_by("pk").values_list())
            for model in (StateAttestation, AttestationEntry)
        ]

    before = snapshot()
    seed_attestation_demo()
    assert snapshot() == before


@pytest.mark.urls(__name__)
def test_the_page_shows_the_seed_figures():
    client = Client()
    client.force_login(factories.user(role=roles.VICE_RECTOR))
    response = client.get("/test/sections/")
    assert response.status_code == 200
    html = response.content.decode()
    # Kyrgyz numbers: a no-break space between thousands, a decimal comma.
    for figure in ("520", "547\xa0203", "551\xa0233", "+4\xa0030", "40,25", "721", "85,30"):
        assert figure in html, figure
    for figure in ("71,98", "96,64", "91,52"):
        assert figure in html, figure
