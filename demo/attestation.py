"""The demo university's state final attestation 2023-2024, day form, with the seed report's
figures: special-discipline exam — list 721, admitted by decree 627, sat 615, grades 222 / 297 /
96 / 0, not in time 12; thesis defence — list 625, admitted 625, sat 604, grades 270 / 302 / 32 /
0, not in time 21.

The lists are drawn from the final-year day students (846 in the demo, enough for both): the
exam's 721 are shared among the programs in proportion to their final-year students, and the
thesis list is 625 of the 627 admitted to the exam, so nobody defends who was not admitted to
the state exam. In both kinds "not in time" is exactly the admitted who did not sit, as the seed's
figures give (627 − 615 = 12, 625 − 604 = 21). Every choice comes from seeded random streams over
students sorted by record book, so every machine draws the same lists. Run again, it adds what is
missing; never changes what is there (seed_attestation_demo).
"""

import random

from django.db import transaction
from django.db.models import Q

from academics.choices import StudyForm
from academics.models import AcademicYear, Student
from sessions_app.choices import AttestationKind
from sessions_app.models import AttestationEntry, StateAttestation

from .university import PROGRAM_YEARS, START_YEAR, _apportion

EXAM, THESIS = AttestationKind.SPECIAL_EXAM, AttestationKind.THESIS

# kind: listed, admitted by decree, sat, (grade 5, 4, 3, 2)
TARGETS = {
    EXAM: (721, 627, 615, (222, 297, 96, 0)),
    THESIS: (625, 625, 604, (270, 302, 32, 0)),
}


def _rng(stream):
    return random.Random(f"osh-demo-attestation-{START_YEAR}-{stream}")


def final_year_day_students():
    """The day students of the demo year in the last year of their program, by record book."""
    last_year = Q()
    for level, years in PROGRAM_YEARS.items():
        last_year |= Q(group__program__level=level, group__year_of_study=years)
    return list(
        Student.objects.filter(
            last_year,
            group__academic_year__start_year=START_YEAR,
            group__program__form=StudyForm.DAY,
        )
        .order_by("record_book")
        .values_list("pk", "group__program_id")
    )


def _outcomes(kind, students):
    """(student id, ordered, sat, grade, not in time) for `students`, with the kind's figures."""
    listed, ordered, sat, grades = TARGETS[kind]
    assert len(students) == listed, (kind, len(students))
    order = list(students)
    _rng(f"outcomes-{kind}").shuffle(order)
    plan = [(False, False, "", False)] * (listed - ordered)
    plan += [(True, False, "", True)] * (ordered - sat)  # admitted, could not take it in time
    for grade, count in zip("5432", grades, strict=True):
        plan += [(True, True, grade, False)] * count
    assert len(plan) == listed, kind
    return [(student, *outcome) for student, outcome in zip(order, plan, strict=True)]


def build_lists():
    """{kind: [(student id, program id, ordered, sat, grade, not in time)]}, from the database's
    demo students; nothing is written."""
    candidates = final_year_day_students()
    by_program = {}
    for student, program in candidates:
        by_program.setdefault(program, []).append(student)
    program_of = dict(candidates)

    programs = sorted(by_program)
    shares = _apportion(TARGETS[EXAM][0], [len(by_program[p]) for p in programs])
    rng = _rng("exam-list")
    exam_list = sorted(
        student
        for program, share in zip(programs, shares, strict=True)
        for student in rng.sample(by_program[program], share)
    )
    exam = _outcomes(EXAM, exam_list)
    admitted = sorted(student for student, ordered, *_ in exam if ordered)
    thesis_list = sorted(_rng("thesis-list").sample(admitted, TARGETS[THESIS][0]))
    thesis = _outcomes(THESIS, thesis_list)
    return {
        kind: sorted((s, program_of[s], *rest) for s, *rest in rows)
        for kind, rows in ((EXAM, exam), (THESIS, thesis))
    }


@transaction.atomic
def seed_attestation_demo():
    """Write the demo's state attestation lists: adds what is missing; never changes what is
    there. The lists are drawn together (the thesis list from those admitted to the exam), so
    they are one: written while the demo year has no state attestation, the users' once it has.
    Returns the number of entries written per kind."""
    year = AcademicYear.objects.get(start_year=START_YEAR)
    if StateAttestation.objects.filter(academic_year=year).exists():
        return {EXAM: 0, THESIS: 0}
    lists = build_lists()
    pairs = {(kind, row[1]) for kind, rows in lists.items() for row in rows}
    StateAttestation.objects.bulk_create(
        [
            StateAttestation(academic_year=year, kind=kind, program_id=program)
            for kind, program in sorted(pairs)
        ]
    )
    attestation_ids = {
        (kind, program): pk
        for pk, kind, program in StateAttestation.objects.filter(academic_year=year).values_list(
            "pk", "kind", "program_id"
        )
    }
    AttestationEntry.objects.bulk_create(
        [
            AttestationEntry(
                attestation_id=attestation_ids[(kind, program)],
                student_id=student,
                ordered=ordered,
                sat=sat,
                grade=grade,
                not_in_time=not_in_time,
            )
            for kind, rows in lists.items()
            for student, program, ordered, sat, grade, not_in_time in rows
        ],
        batch_size=1000,
    )
    return {kind: len(rows) for kind, rows in lists.items()}
