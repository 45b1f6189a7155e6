"""Expiry arithmetic, the warning levels at their boundaries, and what due() lists."""

import datetime

import pytest

from accreditation.choices import AccreditationKind, LicenceStatus
from accreditation.expiry import add_months, due, expiry_date, warning_level
from accreditation.models import Accreditation, Agency, LicenceApplication
from tests import factories

D = datetime.date


# --- The arithmetic ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "years", "expires"),
    [
        (D(2024, 1, 9), 5, D(2029, 1, 9)),
        (D(2024, 6, 14), 3, D(2027, 6, 14)),
        (D(2023, 12, 31), 1, D(2024, 12, 31)),
        (D(2024, 3, 1), 7, D(2031, 3, 1)),
        # 29 February: the same day when the target year is a leap year, else 28 February.
        (D(2024, 2, 29), 5, D(2029, 2, 28)),
        (D(2024, 2, 29), 4, D(2028, 2, 29)),
        (D(2024, 2, 29), 1, D(2025, 2, 28)),
        (D(2020, 2, 29), 10, D(2030, 2, 28)),
    ],
)
def test_expiry_date(decided, years, expires):
    assert expiry_date(decided, years) == expires


@pytest.mark.parametrize(
    ("day", "months", "result"),
    [
        (D(2026, 11, 26), 3, D(2027, 2, 26)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2027, 11, 30), 3, D(2028, 2, 29)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 1, 31), 12, D(2027, 1, 31)),
        (D(2026, 5, 31), 1, D(2026, 6, 30)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, result):
    assert add_months(day, months) == result


TODAY = D(2026, 11, 26)


@pytest.mark.parametrize(
    ("expiry", "level"),
    [
        (D(2026, 11, 25), "expired"),  # the day after the expiry date
        (D(2020, 1, 1), "expired"),
        (D(2026, 11, 26), "3"),  # valid through its expiry date
        (D(2027, 2, 26), "3"),  # exactly 3 months away: inclusive
        (D(2027, 2, 27), "6"),
        (D(2027, 5, 26), "6"),  # exactly 6 months
        (D(2027, 5, 27), "12"),
        (D(2027, 11, 26), "12"),  # exactly 12 months
        (D(2027, 11, 27), None),
        (None, None),
    ],
)
def test_warning_levels_at_their_boundaries(expiry, level):
    assert warning_level(expiry, TODAY) == level


def test_warning_boundary_at_the_end_of_a_month():
    # 30 November + 3 months is 28 February (2027 has no 29th).
    assert warning_level(D(2027, 2, 28), D(2026, 11, 30)) == "3"
    assert warning_level(D(2027, 3, 1), D(2026, 11, 30)) == "6"


# --- due() ---------------------------------------------------------------------------------------


@pytest.fixture
def agency(db):
    return Agency.objects.create(name="Independent agency", short_name="НИРАС")


def accredit(program, agency, decided, years=5, **kw):
    return Accreditation.objects.create(
        program=program, agency=agency, decision_date=decided, term_years=years, **kw
    )


def licence(program, valid_until, **kw):
    kw.setdefault("status", LicenceStatus.GRANTED)
    kw.setdefault("licence_number", "LS1")
    kw.setdefault("licence_date", D(2020, 1, 1))
    return LicenceApplication.objects.create(
        program=program, date_sent=D(2019, 10, 1), valid_until=valid_until, **kw
    )


@pytest.mark.django_db
def test_due_lists_what_expires_within_the_window_soonest_first(agency):
    p1, p2, p3, p4 = (factories.program(name=f"P{n}", code=f"71000{n}") for n in range(1, 5))
    in_6 = accredit(p1, agency, D(2022, 4, 28))  # 2027-04-28
    expired = accredit(p2, agency, D(2021, 6, 15))  # 2026-06-15
    accredit(p3, agency, D(2024, 6, 14))  # 2029: too far
    institutional = Accreditation.objects.create(
        kind=AccreditationKind.INSTITUTIONAL, agency=agency, decision_date=D(2021, 12, 20)
    )
    course_licence = licence(p4, D(2027, 10, 1))
    licence(p3, None)  # no valid-until date: never due

    items = due(TODAY)

    assert [item.object for item in items] == [expired, institutional, in_6, course_licence]
    assert [item.level for item in items] == ["expired", "3", "6", "12"]
    assert [item.kind for item in items] == ["accreditation"] * 3 + ["licence"]
    first = items[0]
    assert first.label == "710002 P2"
    assert first.agency == agency
    assert first.expiry == D(2026, 6, 15)
    assert first.days_left == (D(2026, 6, 15) - TODAY).days < 0
    assert first.days_overdue == -first.days_left
    assert items[1].label == "institutional"
    assert items[3].agency is None

    # A narrower window leaves out what is further away, but keeps the expired.
    assert [item.object for item in due(TODAY, within_months=3)] == [expired, institutional]


@pytest.mark.django_db
def test_an_expired_accreditation_renewed_later_is_not_due(agency):
    program = factories.program()
    accredit(program, agency, D(2021, 6, 15))  # expired 2026-06-15
    renewal = accredit(program, agency, D(2026, 6, 1))  # until 2031
    other = factories.program()
    lapsed = accredit(other, agency, D(2021, 6, 15))

    assert [item.object for item in due(TODAY)] == [lapsed]
    assert renewal.expiry_date == D(2031, 6, 1)


@pytest.mark.django_db
def test_refused_and_pending_licences_are_not_due():
    program = factories.program()
    licence(
        program,
        D(2026, 12, 1),
        status=LicenceStatus.SENT,
        licence_number="",
        licence_date=None,
    )
    assert due(TODAY) == []


@pytest.mark.django_db
def test_due_takes_two_queries_whatever_the_rows(agency, django_assert_num_queries):
    for n in range(6):
        program = factories.program()
        accredit(program, agency, D(2021, 6, 1 + n))
        licence(program, D(2027, 1, 1 + n))
    with django_assert_num_queries(2):
        items = due(TODAY)
        labels = [(item.label, str(item.agency)) for item in items]
    assert len(labels) == 12
