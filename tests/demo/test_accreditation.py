"""The demo's licences, accreditations and seminars: the seed's figures, warnings on the demo's
date, and a second run that changes nothing."""

import datetime

import pytest

from academics.choices import Level, StudyForm
from accreditation import sections
from accreditation.expiry import due
from accreditation.models import Accreditation, Agency, LicenceApplication, Seminar
from demo.accreditation import ACCREDITATIONS, LICENCES, seed_accreditation_demo
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    """The demo's programs that the licences and accreditations name (demo.university)."""
    wanted = {(code, name, level, form) for code, name, level, form, _status in LICENCES}
    wanted |= {
        (code, f"Program {code}", level, form) for code, level, form, *_rest in ACCREDITATIONS
    }
    faculty = factories.faculty()
    seen = set()
    for code, name, level, form in sorted(wanted):
        if level == Level.PHD or (code, level, form) in seen or code in {"710500", "530100"}:
            continue  # not in the demo registry: written by code and name
        seen.add((code, level, form))
        factories.program(faculty=faculty, code=code, name=name, level=level, form=form)
    return factories.academic_year(2023)


def test_the_seed_figures(registry):
    seed_accreditation_demo()

    licensing = sections.licensing(registry)
    assert (licensing.sent, licensing.granted) == (24, 19)
    assert len(licensing.granted_programs) == 19
    first = licensing.granted_programs[0]
    assert first.label == "530800 Эл аралык мамилелер"  # by level, then code
    both = next(line for line in licensing.granted_programs if line.code == "710400")
    assert both.level == Level.BACHELOR and both.forms == [StudyForm.DAY, StudyForm.EXTRAMURAL]
    assert LicenceApplication.objects.filter(program=None, level=Level.PHD).count() == 4

    accredited = sections.accreditations(registry)
    groups = [(group.agency.short_name, group.years, group.count) for group in accredited.by_agency]
    assert groups == [("НИРАС", 5, 5)]
    assert [s.participants for s in sections.seminars(registry)] == [27, 31]


def test_the_warnings_show_on_the_demo_date(registry):
    seed_accreditation_demo()
    levels = {item.level for item in due(datetime.date(2026, 11, 26))}
    assert levels == {"expired", "3", "6", "12"}


def test_a_second_run_changes_nothing(registry):
    seed_accreditation_demo()
    before = {
        model: sorted(model.objects.values_list("pk", flat=True))
        for model in (Agency, LicenceApplication, Accreditation, Seminar)
    }
    counts = seed_accreditation_demo()
    after = {
        model: sorted(model.objects.values_list("pk", flat=True))
        for model in (Agency, LicenceApplication, Accreditation, Seminar)
    }
    assert before == after
    assert dict(counts) == {Agency: 2, LicenceApplication: 25, Accreditation: 9, Seminar: 2}
