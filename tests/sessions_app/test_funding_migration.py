"""The migration that keeps the funding on the main admission: it fills the admissions made
before it from the student's funding, leaves АКЖ rows without one, and can be undone (with the
admin's audited changes in it)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from academics.choices import Funding
from academics.models import Student
from sessions_app import services
from sessions_app.choices import Attempt, ChangeSource
from tests import factories

BEFORE = [("sessions_app", "0007_grade_sheet_file_source")]
AFTER = [("sessions_app", "0008_admission_funding")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_fills_each_main_admission_from_its_students_funding():
    group = factories.group()
    budget = factories.student(group=group, funding=Funding.BUDGET)
    contract = factories.student(group=group, funding=Funding.CONTRACT)
    session = factories.exam_session()
    factories.assessment(session=session, group=group)
    services.ensure_admissions(session, group)
    services.set_admissions(session, group, Attempt.RETAKE, {budget.pk: (False, "valid", "")}, None)
    entry = services.AdmissionEntry(session.pk, contract.pk, Attempt.MAIN, True, funding="budget")
    services.write_admissions([entry], None, source=ChangeSource.ADMIN)
    try:
        apps = migrate(BEFORE)
        Admission = apps.get_model("sessions_app", "Admission")
        assert "funding" not in {field.name for field in Admission._meta.get_fields()}
        # The audit of 0006 knows no "admin" source: undone, such a change is an override.
        AdmissionChange = apps.get_model("sessions_app", "AdmissionChange")
        assert set(AdmissionChange.objects.values_list("source", flat=True)) == {
            ChangeSource.PAGE,
            ChangeSource.OVERRIDE,
        }
        # What the migration has to go by: the student's funding when it runs.
        Student.objects.filter(pk=budget.pk).update(funding=Funding.CONTRACT)
        Student.objects.filter(pk=contract.pk).update(funding=Funding.BUDGET)

        apps = migrate(AFTER)

        Admission = apps.get_model("sessions_app", "Admission")
        rows = dict(
            ((student_id, stage), funding)
            for student_id, stage, funding in Admission.objects.values_list(
                "student_id", "stage", "funding"
            )
        )
        assert rows == {
            (budget.pk, Attempt.MAIN): Funding.CONTRACT,
            (contract.pk, Attempt.MAIN): Funding.BUDGET,
            (budget.pk, Attempt.RETAKE): "",
        }
    finally:
        migrate(latest())
