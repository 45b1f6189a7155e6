"""Earlier exam sessions for the demo university, so that its dashboard has a year to compare with
and a trend, and so that the benchmarks can measure a university with years of history.

Each earlier session holds the demo students (in groups of that academic year, named as now), five
assessments each (or ten, fifteen…: `assessments`, `seed_demo --assessments`), with categories drawn
around the summer 2023-2024 session's shares and drifting a little with the years; those who owe
retake at АКЖ. The rows go through the results import, as a
university's files would, so every figure is computed from grades, as for the demo session itself.
Run again, it adds what is missing; never changes what is there (seed_history).
"""

import random

from academics.models import Discipline, Student

from .sessions import (
    EXAMS_PER_GROUP,
    TERM,
    _import,
    _student_rows,
    in_contingent,
    rows_to_add,
    student_columns,
)
from .university import START_YEAR, build_plan

# The shares of the categories in the demo session (both forms): not admitted with a valid
# reason, without one, excellent, excellent and good, mixed, satisfactory; the rest owe. They are
# sessions.TARGETS over its 11 977 students, as shares, so that they fit a world of any size.
SHARES = (0.049, 0.196, 0.028, 0.391, 0.147, 0.001)
# Assessments per student in each earlier session: four exams and a credit, as in the demo one.
ASSESSMENTS = EXAMS_PER_GROUP + 1


def history_sessions(years):
    """The (start year, term) of the sessions before the demo one, oldest first, so that with
    the demo session they make `years` academic years of two sessions each."""
    sessions = [(START_YEAR - back, term) for back in range(years) for term in (1, 2)]
    return sorted(s for s in sessions if s < (START_YEAR, TERM))


def build_history_rows(
    start_year, term, students=None, pool=None, assessments=ASSESSMENTS, only=None
):
    """The results workbook rows of the session (start_year, term): `assessments` per student, a
    multiple of five (each five: four exams and a credit; the default, five, as the demo session).
    With `only`, a set of record books, only the rows of those students; the others are drawn all
    the same, so that each student's rows are the same with or without it.
    """
    blocks, rest = divmod(assessments, EXAMS_PER_GROUP + 1)
    if blocks < 1 or rest:
        raise ValueError(f"assessments must be a multiple of {EXAMS_PER_GROUP + 1}")
    if pool is None:
        pool = list(Discipline.objects.order_by("name").values_list("name", flat=True))
    if students is None:
        students = list(
            Student.objects.select_related("group__program__faculty")
            .filter(group__academic_year__start_year=START_YEAR)
            .order_by("record_book")
        )
    age = START_YEAR - start_year + (TERM - term) / 2
    rng = random.Random(f"osh-demo-history-{start_year}-{term}")
    rows = []
    for student in students:
        group = student.group
        picked = random.Random(f"{group.name}-{start_year}-{term}").sample(pool, assessments)
        # Blocks of four exams and a credit, as _student_rows builds one student's rows.
        per_block = [
            [(d, "exam") for d in block[:EXAMS_PER_GROUP]] + [(block[EXAMS_PER_GROUP], "credit")]
            for block in (
                picked[i : i + EXAMS_PER_GROUP + 1]
                for i in range(0, assessments, EXAMS_PER_GROUP + 1)
            )
        ]
        base = student_columns(student, f"{start_year}-{start_year + 1}", term)
        # Earlier years did a little worse: fewer in the passing categories, more owing.
        shares = [SHARES[0], SHARES[1]] + [share * (1 - 0.03 * age) for share in SHARES[2:]]
        draw, kind, detail = rng.random(), "owing", rng.choice((1, 1, 1, 2, 2, 3))
        if only is not None and student.record_book not in only:
            continue
        for (name, extra), share in zip(
            (
                ("not_admitted", "valid"),
                ("not_admitted", "invalid"),
                ("excellent", 0),
                ("excellent_good", 0),
                ("mixed", 0),
                ("satisfactory", 0),
            ),
            shares,
            strict=True,
        ):
            if draw < share:
                kind, detail = name, extra
                break
            draw -= share
        seed = f"osh-demo-history-{student.record_book}-{start_year}-{term}"
        for block, block_assessments in enumerate(per_block):
            # One category for the student over every block: the blocks after the first pass
            # (a student who owes owes in the first block only), and one not admitted is so in
            # each, with the same draw of admission to АКЖ.
            block_kind, block_detail, block_seed = kind, detail, seed
            if block and kind != "not_admitted":
                block_seed = f"{seed}-{block}"
                if kind == "owing":
                    block_kind, block_detail = "mixed", 0
            rows += _student_rows(
                base, block_assessments, block_kind, block_detail, random.Random(block_seed)
            )
    return [
        {key: value if isinstance(value, int) else str(value) for key, value in row.items()}
        for row in rows
    ]


def seed_history(years, assessments=ASSESSMENTS, plan=None):
    """Load the sessions of history_sessions(years) through the results import, `assessments`
    per student (see build_history_rows): adds what is missing; never changes what is there. Only
    the demo students not yet in a session's contingent are imported into it (all of them the
    first time, none the next). Returns the number of sessions."""
    plan = plan or build_plan()
    demo_students = {row["record_book"] for row in plan.students}
    sessions = history_sessions(years)
    pool = list(Discipline.objects.order_by("name").values_list("name", flat=True))
    # The plan's students, as the first run drew them: one a user added does not shift the draw.
    students = [
        student
        for student in Student.objects.select_related("group__program__faculty")
        .filter(group__academic_year__start_year=START_YEAR)
        .order_by("record_book")
        if student.record_book in demo_students
    ]
    for start_year, term in sessions:
        missing = demo_students - in_contingent(start_year, term)
        if not missing:
            continue
        rows = build_history_rows(start_year, term, students, pool, assessments, only=missing)
        _import(rows_to_add(rows, start_year, term))
    return len(sessions)
