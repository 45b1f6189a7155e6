"""The rules of the models, in clean() for the forms and in the database for everything else."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from academics.choices import Level, StudyForm
from accreditation.choices import AccreditationKind, AccreditationStatus, LicenceStatus
from accreditation.models import Accreditation, Agency, LicenceApplication
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


def refused_by_database(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        LicenceApplication.objects.bulk_create([LicenceApplication(**fields)])


def test_a_registry_program_brings_its_level_and_form():
    program = factories.program(level=Level.MASTER, form=StudyForm.EXTRAMURAL)
    application = LicenceApplication(program=program, date_sent=D(2023, 10, 1))
    application.full_clean()
    application.save()
    assert (application.level, application.form) == (Level.MASTER, StudyForm.EXTRAMURAL)
    assert application.label == f"{program.code} {program.name}"


def test_a_program_or_a_name_of_its_own_exactly_one():
    program = factories.program()
    both = LicenceApplication(program=program, name="Курс", date_sent=D(2023, 10, 1))
    with pytest.raises(ValidationError) as error:
        both.full_clean()
    assert "name" in error.value.message_dict
    neither = LicenceApplication(level=Level.BACHELOR, form="day", date_sent=D(2023, 10, 1))
    with pytest.raises(ValidationError) as error:
        neither.full_clean()
    assert "name" in error.value.message_dict

    base = {"level": Level.SHORT_COURSE, "form": "day", "date_sent": D(2023, 10, 1)}
    refused_by_database(program=program, name="Курс", **base)
    refused_by_database(name="", **base)
    LicenceApplication.objects.create(name="Frontend тиркемесин иштеп чыгуу", **base)


def test_a_granted_licence_has_a_number_and_a_date():
    base = {"name": "Курс", "level": Level.SHORT_COURSE, "form": "day"}
    application = LicenceApplication(date_sent=D(2023, 10, 1), status=LicenceStatus.GRANTED, **base)
    with pytest.raises(ValidationError) as error:
        application.full_clean()
    assert set(error.value.message_dict) >= {"licence_number", "licence_date"}

    refused_by_database(date_sent=D(2023, 10, 1), status=LicenceStatus.GRANTED, **base)
    refused_by_database(
        date_sent=D(2023, 10, 1), status=LicenceStatus.GRANTED, licence_number="LS1", **base
    )
    LicenceApplication.objects.create(
        date_sent=D(2023, 10, 1),
        status=LicenceStatus.GRANTED,
        licence_number="LS1",
        licence_date=D(2024, 3, 1),
        **base,
    )


def test_the_database_refuses_a_level_outside_the_choices():
    refused_by_database(name="Курс", level="doctorate", form="day", date_sent=D(2023, 10, 1))


def test_the_expiry_is_computed_on_save_and_follows_the_term():
    agency = Agency.objects.create(name="НИРАС")
    accreditation = Accreditation.objects.create(
        program=factories.program(), agency=agency, decision_date=D(2024, 2, 29)
    )
    assert accreditation.term_years == 5
    assert accreditation.expiry_date == D(2029, 2, 28)
    accreditation.term_years = 4
    accreditation.save()
    assert Accreditation.objects.get().expiry_date == D(2028, 2, 29)


def test_program_accreditation_needs_a_program_institutional_has_none():
    agency = Agency.objects.create(name="НИРАС")
    program = factories.program()
    without = Accreditation(agency=agency, decision_date=D(2024, 1, 9))
    with pytest.raises(ValidationError) as error:
        without.full_clean()
    assert "program" in error.value.message_dict
    institutional = Accreditation(
        kind=AccreditationKind.INSTITUTIONAL,
        program=program,
        agency=agency,
        decision_date=D(2024, 1, 9),
    )
    with pytest.raises(ValidationError):
        institutional.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Accreditation.objects.create(agency=agency, decision_date=D(2024, 1, 9))


def test_the_status_is_derived_from_the_date_and_the_suspension():
    agency = Agency.objects.create(name="НИРАС")
    accreditation = Accreditation.objects.create(
        program=factories.program(), agency=agency, decision_date=D(2021, 6, 15)
    )
    assert accreditation.status_on(D(2026, 6, 15)) == AccreditationStatus.VALID
    assert accreditation.status_on(D(2026, 6, 16)) == AccreditationStatus.EXPIRED
    accreditation.suspended = True
    assert accreditation.status_on(D(2025, 1, 1)) == AccreditationStatus.SUSPENDED
