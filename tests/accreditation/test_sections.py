"""Sections 6, 7 and 9 for an academic year, and the notes they give the council's resolution."""

import datetime

import pytest
from django.utils import translation

from academics.choices import Level, StudyForm
from accreditation import sections
from accreditation.choices import AccreditationKind, LicenceStatus
from accreditation.models import Accreditation, Agency, LicenceApplication, Seminar
from reports.resolutions import services as resolution_service
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


SENT = D(2023, 10, 16)


def apply(program=None, sent=SENT, granted=False, **kw):
    if granted:
        kw.update(
            status=LicenceStatus.GRANTED, licence_number=f"LS{sent:%j}", licence_date=D(2024, 3, 1)
        )
    return LicenceApplication.objects.create(program=program, date_sent=sent, **kw)


@pytest.fixture
def world():
    year = factories.academic_year(2023)
    day = factories.program(code="710400", name="Программалык инженерия", form=StudyForm.DAY)
    extramural = factories.program(
        code="710400", name="Программалык инженерия", form=StudyForm.EXTRAMURAL
    )
    master = factories.program(code="580200", name="Менеджмент", level=Level.MASTER)
    refused = factories.program(code="690300", name="Инфокоммуникациялык", level=Level.MASTER)
    # 710400 bachelor in two forms is one program: 4 programs (5 rows) sent, 3 licensed.
    apply(day, granted=True)
    apply(extramural, granted=True)
    apply(master, granted=True)
    apply(refused, status=LicenceStatus.REFUSED)
    apply(
        name="Frontend тиркемесин иштеп чыгуу",
        level=Level.SHORT_COURSE,
        form=StudyForm.DAY,
        granted=True,
    )
    # The academic year runs from 1 September to 31 August: these are other years.
    apply(factories.program(), sent=D(2023, 8, 31), granted=True)
    apply(factories.program(), sent=D(2024, 9, 1), granted=True)

    niras = Agency.objects.create(
        name="Аккредитация, рейтинг жана тастыктоочу көз карандысыз институту",
        short_name="НИРАС",
    )
    sapattuu = Agency.objects.create(name="Сапаттуу Билим")
    for program in (master, day, refused):
        Accreditation.objects.create(program=program, agency=niras, decision_date=D(2024, 6, 14))
    Accreditation.objects.create(
        program=extramural, agency=sapattuu, decision_date=D(2024, 1, 10), term_years=3
    )
    Accreditation.objects.create(
        kind=AccreditationKind.INSTITUTIONAL, agency=sapattuu, decision_date=D(2024, 5, 1)
    )
    Accreditation.objects.create(program=day, agency=niras, decision_date=D(2022, 6, 1))

    Seminar.objects.create(topic="Аккредитация и СМК", date=D(2024, 1, 9), agency=niras)
    Seminar.objects.create(topic="Ички баалоо", date=D(2024, 3, 15), participants=31)
    Seminar.objects.create(topic="Last year", date=D(2023, 3, 15))
    return {"year": year, "niras": niras, "sapattuu": sapattuu}


def test_licensing_counts_programs_not_rows(world):
    result = sections.licensing(world["year"])
    assert (result.sent, result.granted, result.applications) == (4, 3, 5)
    lines = [(line.label, line.level, line.forms) for line in result.granted_programs]
    # Listed by level (bachelor … short course), then code.
    assert lines == [
        ("710400 Программалык инженерия", Level.BACHELOR, ["day", "extramural"]),
        ("580200 Менеджмент", Level.MASTER, ["day"]),
        ("Frontend тиркемесин иштеп чыгуу", Level.SHORT_COURSE, ["day"]),
    ]
    assert len(result.sent_programs) == 4


def test_the_year_is_the_academic_year(world):
    assert sections.year_dates("2023-2024") == (D(2023, 9, 1), D(2024, 8, 31))
    assert sections.licensing(2022).sent == 1
    assert sections.licensing(2024).sent == 1


def test_accreditations_by_agency_and_term(world):
    result = sections.accreditations(world["year"])
    # 710400 bachelor: accredited in both forms (by two agencies), one program.
    assert result.count == 3
    groups = [(group.agency, group.years, group.count) for group in result.by_agency]
    assert groups == [(world["niras"], 5, 3), (world["sapattuu"], 3, 1)]
    assert [row.agency for row in result.institutional] == [world["sapattuu"]]


def test_seminars_of_the_year(world):
    assert [s.topic for s in sections.seminars(world["year"])] == [
        "Аккредитация и СМК",
        "Ички баалоо",
    ]


def test_resolution_notes(world):
    with translation.override("en"):
        notes = sections.resolution_notes(world["year"])
    assert notes == [
        "In the 2023-2024 academic year documents were sent to obtain licences for 4 "
        "educational programs, and licences were obtained for 3 of them.",
        "In the 2023-2024 academic year 3 programs were accredited by Аккредитация, рейтинг "
        "жана тастыктоочу көз карандысыз институту (НИРАС) for a term of 5 years. "
        "In the 2023-2024 academic year 1 programs were accredited by Сапаттуу Билим for a "
        "term of 3 years. The university passed institutional accreditation by Сапаттуу "
        "Билим for a term of 5 years.",
    ]


def test_no_notes_for_a_year_without_licences_or_accreditations(world):
    assert sections.resolution_notes(2019) == []


def test_the_resolution_carries_the_notes_after_the_schedule(world):
    session = factories.exam_session(academic_year=world["year"], term=2)
    figures = resolution_service.compute_figures(session)
    assert figures["accreditation"]["licences"] == {"sent": 4, "granted": 3}
    with translation.override("en"):
        notes = resolution_service.notes(figures)
    # No exam results in this world: the licensing and accreditation notes alone.
    assert notes[0].startswith("In the 2023-2024 academic year documents were sent")
    assert "accredited by" in notes[1]
    # A resolution adopted before this source existed has no such key and keeps its text.
    del figures["accreditation"]
    with translation.override("en"):
        assert resolution_service.notes(figures) == []
