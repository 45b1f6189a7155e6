"""Section 10, the state final attestation: the models' constraints, the admin's faculty scope,
and the figures against hand-computed cases and the seed's own arithmetic."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from academics import roles
from academics.choices import FacultyKind, Level, StudyForm
from reports.attestation import AttestationRow, AttestationScope, attestation
from sessions_app.choices import AttestationKind
from sessions_app.models import AttestationEntry, StateAttestation
from tests import factories

pytestmark = pytest.mark.django_db

EXAM, THESIS = AttestationKind.SPECIAL_EXAM, AttestationKind.THESIS
DAY, EXTRAMURAL = StudyForm.DAY, StudyForm.EXTRAMURAL


def _attestation(program, kind=EXAM, year=None):
    return StateAttestation.objects.create(
        academic_year=year or factories.academic_year(2023), program=program, kind=kind
    )


def _entry(attestation, outcome, student=None):
    """outcome: "-" not ordered, "late" ordered but not in time, "sat" sat without a grade yet,
    or a grade "5" … "2"."""
    student = student or factories.student(
        group=factories.group(program=attestation.program, academic_year=attestation.academic_year)
    )
    values = {
        "-": {},
        "late": {"ordered": True, "not_in_time": True},
        "sat": {"ordered": True, "sat": True},
    }.get(outcome, {"ordered": True, "sat": True, "grade": outcome})
    return AttestationEntry.objects.create(attestation=attestation, student=student, **values)


# --- The models ---------------------------------------------------------------------------------


@pytest.fixture
def entry():
    program = factories.program()
    return _entry(_attestation(program), "-")


@pytest.mark.parametrize(
    "values",
    [
        {"sat": True},  # sat needs ordered
        {"ordered": True, "grade": "4"},  # a grade needs sat
        {"grade": "5"},
        {"ordered": True, "sat": True, "grade": "6"},  # not a grade
        {"ordered": True, "sat": True, "grade": "1"},
        {"not_in_time": True},  # not in time: admitted ...
        {"ordered": True, "sat": True, "grade": "3", "not_in_time": True},  # ... and did not sit
    ],
)
def test_the_database_refuses_an_inconsistent_entry(entry, values):
    for name, value in values.items():
        setattr(entry, name, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()


@pytest.mark.parametrize(
    "values",
    [
        {"ordered": True},
        {"ordered": True, "not_in_time": True},
        {"ordered": True, "sat": True},
        {"ordered": True, "sat": True, "grade": "2"},
    ],
)
def test_consistent_entries_are_saved(entry, values):
    for name, value in values.items():
        setattr(entry, name, value)
    entry.full_clean()
    entry.save()


def test_clean_names_the_field(entry):
    entry.sat = True
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert set(error.value.message_dict) == {"sat"}
    entry.sat, entry.grade = False, "5"
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert set(error.value.message_dict) == {"grade"}
    entry.grade, entry.not_in_time = "", True
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert set(error.value.message_dict) == {"not_in_time"}


def test_a_student_of_another_program_is_refused(entry):
    entry.student = factories.student()
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert set(error.value.message_dict) == {"student"}


def test_one_entry_per_student_and_one_attestation_per_program_kind_and_year(entry):
    with pytest.raises(IntegrityError), transaction.atomic():
        AttestationEntry.objects.create(attestation=entry.attestation, student=entry.student)
    with pytest.raises(IntegrityError), transaction.atomic():
        _attestation(entry.attestation.program, EXAM, entry.attestation.academic_year)
    # The other kind, or another year, is another attestation.
    _attestation(entry.attestation.program, THESIS, entry.attestation.academic_year)
    _attestation(entry.attestation.program, EXAM, factories.academic_year(2022))


def test_the_kind_is_one_of_the_two(entry):
    attestation = entry.attestation
    attestation.kind = "oral"
    with pytest.raises(IntegrityError), transaction.atomic():
        attestation.save()


# --- The figures --------------------------------------------------------------------------------


@pytest.fixture
def world():
    """2023: faculty "A", day bachelor's, exam: not ordered, not in time, 5, 4, 3, 2, sat with
    no grade yet — list 7, ordered 6, sat 5, absolute 3 / 7, quality 2 / 7; its thesis: 5, 5, 3.
    College "C", extramural, exam: 4, not ordered. 2022: an exam that must not count."""
    year = factories.academic_year(2023)
    a = factories.faculty(name="A")
    college = factories.faculty(name="C", kind=FacultyKind.COLLEGE)
    bachelor = factories.program(faculty=a, level=Level.BACHELOR, form=DAY, code="710400")
    exam = _attestation(bachelor, EXAM, year)
    for outcome in ["-", "late", "5", "4", "3", "2", "sat"]:
        _entry(exam, outcome)
    thesis = _attestation(bachelor, THESIS, year)
    for outcome in ["5", "5", "3"]:
        _entry(thesis, outcome)
    secondary = factories.program(faculty=college, level=Level.SECONDARY, form=EXTRAMURAL)
    college_exam = _attestation(secondary, EXAM, year)
    for outcome in ["4", "-"]:
        _entry(college_exam, outcome)
    old = _attestation(bachelor, EXAM, factories.academic_year(2022))
    _entry(old, "5")
    return {"year": year, "a": a, "college": college, "bachelor": bachelor}


def _figures(rows):
    return [
        (row.kind, str(row.scope), *(row.counts[n] for n in ("listed", "ordered", "sat")))
        + tuple(row.counts[f"grade_{g}"] for g in "5432")
        + (row.not_in_time, row.absolute_pct, row.quality_pct)
        for row in rows
    ]


def test_per_kind(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = attestation(world["year"], AttestationScope.KIND)
    assert _figures(rows) == [
        # list 9, ordered 7, sat 6; passed 4 (5, 4, 3 and the college's 4); good 3
        (EXAM, "", 9, 7, 6, 1, 2, 1, 1, 1, Decimal("44.44"), Decimal("33.33")),
        (THESIS, "", 3, 3, 3, 2, 0, 1, 0, 0, Decimal("100.00"), Decimal("66.67")),
    ]


def test_per_form(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = attestation(world["year"], AttestationScope.FORM)
    # The exam first, then the thesis; the scope is the form's name.
    assert [(row.kind, row.key) for row in rows] == [
        (EXAM, DAY),
        (EXAM, EXTRAMURAL),
        (THESIS, DAY),
    ]
    day_exam = rows[0]
    assert (day_exam.listed, day_exam.ordered, day_exam.sat, day_exam.not_in_time) == (7, 6, 5, 1)
    assert day_exam.absolute_pct == Decimal("42.86")  # 3 / 7
    assert day_exam.quality_pct == Decimal("28.57")  # 2 / 7
    extramural = rows[1]
    assert (extramural.listed, extramural.absolute_pct, extramural.quality_pct) == (
        2,
        Decimal("50.00"),
        Decimal("50.00"),
    )


def test_per_faculty_and_program_and_narrowed(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = attestation(world["year"], AttestationScope.FACULTY)
    assert [(row.kind, row.scope, row.listed) for row in rows] == [
        (EXAM, "A", 7),
        (EXAM, "C", 2),
        (THESIS, "A", 3),
    ]
    programs = attestation(world["year"], AttestationScope.PROGRAM)
    bachelor = [row for row in programs if row.key == world["bachelor"].pk]
    assert [(row.kind, row.listed) for row in bachelor] == [(EXAM, 7), (THESIS, 3)]
    assert bachelor[0].scope.startswith("710400 Program")
    only_day = attestation(world["year"], AttestationScope.KIND, form=DAY)
    assert [(row.kind, row.listed) for row in only_day] == [(EXAM, 7), (THESIS, 3)]
    only_college = attestation(world["year"], AttestationScope.KIND, faculty=world["college"])
    assert [(row.kind, row.listed) for row in only_college] == [(EXAM, 2)]
    assert attestation(factories.academic_year(2030)) == []
    with pytest.raises(ValueError):
        attestation(world["year"], by="group")


def test_the_number_of_queries_does_not_grow(world, django_assert_num_queries):
    exam = StateAttestation.objects.get(
        program=world["bachelor"], kind=EXAM, academic_year=world["year"]
    )
    for grade in "5443" * 5:
        _entry(exam, grade)
    with django_assert_num_queries(1):
        rows = attestation(world["year"], AttestationScope.FACULTY)
    assert rows[0].listed == 27


@pytest.mark.parametrize(
    "listed, ordered, sat, grades, absolute, quality",
    [
        # The seed's special-discipline exam: 615 / 721 and 519 / 721 (reported as 85 % and 72 %).
        (721, 627, 615, (222, 297, 96, 0), "85.30", "71.98"),
        # The seed's thesis defence: 604 / 625 and 572 / 625 (reported as 97 % and 92 %).
        (625, 625, 604, (270, 302, 32, 0), "96.64", "91.52"),
    ],
)
def test_the_seed_arithmetic(listed, ordered, sat, grades, absolute, quality):
    counts = {"listed": listed, "ordered": ordered, "sat": sat, "not_in_time": ordered - sat}
    counts.update({f"grade_{g}": n for g, n in zip("5432", grades, strict=True)})
    row = AttestationRow(EXAM, "", None, counts)
    assert row.passed == sat
    assert (row.absolute_pct, row.quality_pct) == (Decimal(absolute), Decimal(quality))
    assert row.as_dict()["absolute_pct"] == float(absolute)


# --- The admin ----------------------------------------------------------------------------------


def _client(user):
    client = Client()
    client.force_login(user)
    client.cookies["portal_language"] = "en"
    return client


def test_a_dean_s_office_sees_and_edits_only_its_faculty(world):
    dean = factories.user(role=roles.DEAN_OFFICE, faculty=world["a"], is_staff=True)
    client = _client(dean)
    ours = StateAttestation.objects.get(
        program=world["bachelor"], kind=EXAM, academic_year=world["year"]
    )
    theirs = StateAttestation.objects.get(program__faculty=world["college"])

    page = client.get(reverse("admin:sessions_app_stateattestation_changelist"))
    assert page.status_code == 200
    shown = set(page.context["cl"].result_list)
    assert ours in shown and theirs not in shown
    assert (
        client.get(
            reverse("admin:sessions_app_stateattestation_change", args=[ours.pk])
        ).status_code
        == 200
    )
    # Another faculty's attestation is not found (the admin sends the user back).
    response = client.get(reverse("admin:sessions_app_stateattestation_change", args=[theirs.pk]))
    assert response.status_code == 302

    entries = client.get(reverse("admin:sessions_app_attestationentry_changelist"))
    assert {e.attestation.program.faculty_id for e in entries.context["cl"].result_list} == {
        world["a"].pk
    }
    # The form offers only the faculty's programs.
    add = client.get(reverse("admin:sessions_app_stateattestation_add"))
    programs = add.context["adminform"].form.fields["program"].queryset
    assert set(programs) == {world["bachelor"]}


def test_the_roles_hold_the_permissions():
    dean = factories.user(role=roles.DEAN_OFFICE)
    reader = factories.user(role=roles.VICE_RECTOR)
    assert dean.has_perm("sessions_app.add_attestationentry")
    assert dean.has_perm("sessions_app.change_stateattestation")
    assert reader.has_perm("sessions_app.view_attestationentry")
    assert not reader.has_perm("sessions_app.change_attestationentry")


def test_a_new_attestation_with_its_list_in_one_save(world):
    admin_user = factories.user(is_staff=True, is_superuser=True)
    program = factories.program(faculty=world["a"], level=Level.MASTER)
    group = factories.group(program=program, academic_year=world["year"])
    student, stranger = factories.student(group=group), factories.student()

    def post(students):
        data = {
            "academic_year": world["year"].pk,
            "program": program.pk,
            "kind": THESIS,
            "entries-TOTAL_FORMS": str(len(students)),
            "entries-INITIAL_FORMS": "0",
            "entries-MIN_NUM_FORMS": "0",
            "entries-MAX_NUM_FORMS": "1000",
        }
        for i, s in enumerate(students):
            data.update(
                {
                    f"entries-{i}-student": s.pk,
                    f"entries-{i}-ordered": "on",
                    f"entries-{i}-sat": "on",
                    f"entries-{i}-grade": "4",
                }
            )
        return _client(admin_user).post(reverse("admin:sessions_app_stateattestation_add"), data)

    # A student of another program is refused, though the attestation is not saved yet.
    refused = post([stranger])
    assert refused.status_code == 200
    assert not StateAttestation.objects.filter(program=program).exists()
    saved = post([student])
    assert saved.status_code == 302
    created = StateAttestation.objects.get(program=program)
    assert list(created.entries.values_list("student", "grade")) == [(student.pk, "4")]
