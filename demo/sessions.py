"""The demo university's summer session 2023-2024, with the seed report's own figures.

Before АКЖ the day form has the seed's contingent of 4 083: 3 463 admitted and 620 not (189 with a
valid reason, 431 without), 328 excellent, 634 excellent and good, 1 168 mixed, 5 satisfactory and
1 328 owing; the extramural form has 7 894: 5 583 admitted, 11 / 4 052 / 585 / 5 and 930 owing.
After АКЖ most of those who owe pass their retakes. The rows are those of the results workbook
(sessions_app.importer), so the demo goes through the same import as a university's file. Run
again, it adds what is missing; never changes what is there: a student already in the session is
its users' (seed_session_demo).
"""

import datetime
import random
import zlib
from collections import Counter

from academics.models import Discipline, StaffMember, Student
from sessions_app.choices import Attempt, SheetStatus
from sessions_app.importer import import_rows
from sessions_app.models import Admission, Assessment, ExamSession, Grade, GradeSheet
from sessions_app.rules import CATEGORY_GRADES

from .attestation import seed_attestation_demo
from .university import START_YEAR, build_plan

TERM = 2
EXAMS_PER_GROUP = 4  # and one credit

# form: (not admitted valid, invalid, excellent, excellent and good, mixed, satisfactory)
TARGETS = {
    "day": (189, 431, 328, 634, 1168, 5),
    "extramural": (400, 1911, 11, 4052, 585, 5),
}
# Of those who owe after the main attempt: how many subjects (1, 2, 3) in proportion.
OWED_SPLIT = (52, 26, 22)
RETAKE_PASS = 0.72  # share of owed subjects passed at АКЖ
RETAKE_ADMITTED_VALID = 0.6  # share of the not admitted with a valid reason admitted to АКЖ


def _rng(stream):
    return random.Random(f"osh-demo-session-{START_YEAR}-{stream}")


def _graded_values(rng, category, n):
    if category == "excellent":
        return ["5"] * n
    if category == "excellent_good":
        values = [rng.choice("54") for _ in range(n)]
        values[rng.randrange(n)] = "4"
        return values
    if category == "satisfactory":
        return ["3"] * n
    values = [rng.choice("543") for _ in range(n)]  # mixed
    i, j = rng.sample(range(n), 2)
    values[i], values[j] = "3", rng.choice("54")
    return values


def _disciplines_for(pool, group_name):
    picked = _rng(f"disciplines-{group_name}").sample(pool, EXAMS_PER_GROUP + 1)
    return picked[:EXAMS_PER_GROUP], picked[EXAMS_PER_GROUP]


def _categories(plan):
    """{record book: (kind, detail)}: the category drawn for each of the plan's students. Drawn
    over the plan (demo.university), not over the database, so that the draw is the first run's
    whatever users changed since (a student moved to another form, one added to a group)."""
    form_of = {group["name"]: group["program"][2] for group in plan.groups}
    record_books = sorted(student["record_book"] for student in plan.students)
    form = {student["record_book"]: form_of[student["group"]] for student in plan.students}
    rng = _rng("categories")
    category = {}
    for study_form, (valid, invalid, exc, good, mixed, sat) in TARGETS.items():
        in_form = [record_book for record_book in record_books if form[record_book] == study_form]
        rng.shuffle(in_form)
        owing = len(in_form) - valid - invalid - exc - good - mixed - sat
        owed = [round(owing * share / sum(OWED_SPLIT)) for share in OWED_SPLIT]
        owed[0] += owing - sum(owed)
        kinds = (
            [("not_admitted", "valid")] * valid
            + [("not_admitted", "invalid")] * invalid
            + [("excellent", 0)] * exc
            + [("excellent_good", 0)] * good
            + [("mixed", 0)] * mixed
            + [("satisfactory", 0)] * sat
            + [("owing", 1)] * owed[0]
            + [("owing", 2)] * owed[1]
            + [("owing", 3)] * owed[2]
        )
        category.update(zip(in_form, kinds, strict=True))
    return category


# A few examiners grade apart from the same students' other grades, so that the examiners page
# (reports.examiners) has something to show: in a few examiner × discipline pairs of at least
# LEANING_MIN_STUDENTS students, the examiner gives each student the best (lenient) or the worst
# (strict) of the student's passing exam grades. Only the order of a student's grades changes,
# never which grades they have: every category and figure of the session stays as drawn.
LENIENT_PAIRS, STRICT_PAIRS = 3, 3
LEANING_MIN_STUDENTS = 60


def examiner_of(group_name, discipline_name, teachers):
    """The teacher (of the discipline's department, in personnel-number order) who examines the
    group's assessment: the demo's one rule, for the examiners it assigns and its leanings."""
    return teachers[zlib.crc32(f"{group_name}-{discipline_name}".encode()) % len(teachers)]


def leanings(plan, pool):
    """{(group name, discipline): +1 for a lenient examiner, -1 for a strict one}, drawn over the
    plan (not the database), so that a user's change does not move them."""
    department_of = {d["name"]: d["department"] for d in plan.disciplines}
    teachers = {}
    for member in sorted(plan.staff, key=lambda m: m["personnel_number"]):
        teachers.setdefault(member["department"], []).append(member["personnel_number"])
    sizes = Counter(student["group"] for student in plan.students)
    pairs = {}
    for group in plan.groups:
        for discipline in _disciplines_for(pool, group["name"])[0]:
            staff = teachers.get(department_of.get(discipline))
            if staff:
                key = (examiner_of(group["name"], discipline, staff), discipline)
                pairs.setdefault(key, []).append(group["name"])
    chosen = sorted(
        (
            key
            for key, groups in pairs.items()
            if sum(sizes[g] for g in groups) >= LEANING_MIN_STUDENTS
        ),
        key=lambda key: zlib.crc32(f"leaning-{key[0]}-{key[1]}".encode()),
    )[: LENIENT_PAIRS + STRICT_PAIRS]
    return {
        (group, key[1]): 1 if n < LENIENT_PAIRS else -1
        for n, key in enumerate(chosen)
        for group in pairs[key]
    }


def _lean(rows, leaning):
    """The student's rows with their passing exam grades of the main attempt reordered: the best
    to a lenient examiner's exam, the worst to a strict one's (the grades stay the same)."""
    passing = [
        row
        for row in rows
        if row["attempt"] == Attempt.MAIN
        and row["kind"] == "exam"
        and row["grade"] in CATEGORY_GRADES
    ]
    for row in sorted(passing, key=lambda row: -leaning.get((row["group"], row["discipline"]), 0)):
        lean = leaning.get((row["group"], row["discipline"]), 0)
        if not lean:
            continue
        pick = max if lean > 0 else min
        other = pick(passing, key=lambda r: r["grade"])
        row["grade"], other["grade"] = other["grade"], row["grade"]
        passing.remove(row)
    return rows


def build_rows(only=None, plan=None):
    """The rows of the demo session's results workbook, as the importer reads them: those of the
    demo's students (demo.university's plan) in the database, or only of the record books `only`.
    Each student's rows are theirs alone: leaving some out changes nobody else's."""
    plan = plan or build_plan()
    category = _categories(plan)
    pool = list(Discipline.objects.order_by("name").values_list("name", flat=True))
    leaning = leanings(plan, pool)
    students = (
        Student.objects.select_related("group__program__faculty", "group__academic_year")
        .filter(group__academic_year__start_year=START_YEAR)
        .order_by("record_book")
    )
    rows = []
    for student in students:
        if student.record_book not in category or (
            only is not None and student.record_book not in only
        ):
            continue  # a student users added, or one in the session already
        group = student.group
        exams, credit = _disciplines_for(pool, group.name)
        base = student_columns(student, group.academic_year.name, TERM)
        kind, detail = category[student.record_book]
        srng = _rng(f"student-{student.record_book}")
        rows += _lean(
            _student_rows(
                base, [(d, "exam") for d in exams] + [(credit, "credit")], kind, detail, srng
            ),
            leaning,
        )
    return rows


def student_columns(student, academic_year, term):
    """The columns of a results row that say who and when: the same for each of its grades."""
    group, program = student.group, student.group.program
    return {
        "academic_year": academic_year,
        "term": term,
        "faculty": program.faculty.name,
        "program_code": program.code,
        "program_name": program.name,
        "level": program.level,
        "form": program.form,
        "group": group.name,
        "student_id": student.record_book,
        "student_name": student.full_name,
        "funding": student.funding,
    }


def _student_rows(base, assessments, kind, detail, srng):
    """The workbook rows of one student: `kind` is the category drawn for them (not_admitted with
    the reason's kind as `detail`, owing with the number of subjects owed, or a passing one)."""
    rows = []
    if kind == "not_admitted":
        retake_admitted = detail == "valid" and srng.random() < RETAKE_ADMITTED_VALID
        for discipline, assessment_kind in assessments:
            row = {**base, "discipline": discipline, "kind": assessment_kind}
            rows.append(
                {
                    **row,
                    "attempt": Attempt.MAIN,
                    "admitted": "no",
                    "not_admitted_reason": detail,
                    "grade": "",
                }
            )
            if retake_admitted:
                grade = srng.choice("543") if assessment_kind == "exam" else "pass"
                rows.append(
                    {
                        **row,
                        "attempt": Attempt.RETAKE,
                        "admitted": "yes",
                        "not_admitted_reason": "",
                        "grade": grade,
                    }
                )
        return rows
    if kind == "owing":
        values = _graded_values(srng, "mixed", EXAMS_PER_GROUP) + ["pass"]
        for i in srng.sample(range(len(values)), detail):
            if i == EXAMS_PER_GROUP:
                values[i] = srng.choice(["fail", "fail", "absent"])
            else:
                values[i] = srng.choice(["2", "2", "2", "absent"])
    else:
        values = _graded_values(srng, kind, EXAMS_PER_GROUP) + ["pass"]
    for (discipline, assessment_kind), value in zip(assessments, values, strict=True):
        row = {**base, "discipline": discipline, "kind": assessment_kind}
        rows.append(
            {
                **row,
                "attempt": Attempt.MAIN,
                "admitted": "yes",
                "not_admitted_reason": "",
                "grade": value,
            }
        )
        if value in ("2", "fail", "absent"):
            passed = srng.random() < RETAKE_PASS
            if assessment_kind == "credit":
                grade = "pass" if passed else "fail"
            else:
                grade = srng.choice("433") if passed else srng.choice(["2", "absent"])
            rows.append(
                {
                    **row,
                    "attempt": Attempt.RETAKE,
                    "admitted": "yes",
                    "not_admitted_reason": "",
                    "grade": grade,
                }
            )
    return rows


# The demo session's periods. The demo keeps its sheets open for entry (no entry deadline), so
# that a demo user can try the grade sheet.
DATES = {
    "main_start": datetime.date(START_YEAR + 1, 5, 27),
    "main_end": datetime.date(START_YEAR + 1, 6, 15),
    "retake_start": datetime.date(START_YEAR + 1, 6, 17),
    "retake_end": datetime.date(START_YEAR + 1, 6, 29),
}


def in_contingent(start_year, term):
    """The record books of the students in the session's contingent (a main-stage admission):
    everything about them in that session is its users' (a demo loader leaves them out)."""
    return set(
        Admission.objects.filter(
            session__academic_year__start_year=start_year, session__term=term, stage=Attempt.MAIN
        ).values_list("student__record_book", flat=True)
    )


def rows_to_add(rows, start_year, term):
    """`rows` less those of any student who would land on a sheet of the session that is
    submitted or locked: nothing on such a sheet changes until it is reopened (DOMAIN.md)."""
    closed = set(
        GradeSheet.objects.filter(
            assessment__session__academic_year__start_year=start_year,
            assessment__session__term=term,
        )
        .exclude(status=SheetStatus.DRAFT)
        .values_list(
            "assessment__group__name", "assessment__discipline__name", "assessment__kind", "attempt"
        )
    )
    if not closed:
        return rows
    kept_out = {
        row["student_id"]
        for row in rows
        if (row["group"], row["discipline"], row["kind"], row["attempt"]) in closed
    }
    return [row for row in rows if row["student_id"] not in kept_out]


def _import(rows):
    rows = [
        {key: value if isinstance(value, int) else str(value) for key, value in row.items()}
        for row in rows
    ]
    if not rows:
        return
    result = import_rows(rows)
    if not result.ok:
        raise RuntimeError("; ".join(str(error) for error in result.errors[:10]))


def seed_session_demo(plan=None):
    """Load the demo session through the results import: adds what is missing; never changes
    what is there.

    Only the demo students not yet in the session's contingent are imported (all of them on the
    first run, none on the next); the session's dates are set where they are still empty, the
    examiners and days where an assessment has none. Returns the number of the demo session's
    rows of each model afterwards.
    """
    plan = plan or build_plan()
    missing = {row["record_book"] for row in plan.students} - in_contingent(START_YEAR, TERM)
    if missing:
        rows = build_rows(only=missing, plan=plan)
        _import(rows_to_add(rows, START_YEAR, TERM))
    sessions = ExamSession.objects.filter(academic_year__start_year=START_YEAR, term=TERM)
    for session in sessions:
        _fill_dates(session)
    _assign_examiners()
    seed_attestation_demo()
    return [
        (ExamSession, sessions.count()),
        (Assessment, Assessment.objects.filter(session__in=sessions).count()),
        (Admission, Admission.objects.filter(session__in=sessions).count()),
        (GradeSheet, GradeSheet.objects.filter(assessment__session__in=sessions).count()),
        (Grade, Grade.objects.filter(assessment__session__in=sessions).count()),
    ]


def _fill_dates(session):
    """Set the session's dates that are empty to the demo's, unless one would then come after
    its end (or its end before its start) as the users set them."""
    values = {field: getattr(session, field) or day for field, day in DATES.items()}
    for start, end in (("main_start", "main_end"), ("retake_start", "retake_end")):
        if values[start] > values[end]:
            for field in (start, end):
                if getattr(session, field) is None:
                    values[field] = None
    empty = {
        field: value
        for field, value in values.items()
        if getattr(session, field) is None and value is not None
    }
    if empty:
        ExamSession.objects.filter(pk=session.pk).update(**empty)


def _assign_examiners():
    """Each demo assessment is examined by a teacher of the discipline's department, on a day of
    the main period: only an assessment without a day gets one, and an examiner if it has none."""
    staff = {}
    for member in StaffMember.objects.order_by("personnel_number").only("pk", "department_id"):
        staff.setdefault(member.department_id, []).append(member.pk)
    missing = list(
        Assessment.objects.filter(date=None, session__academic_year__start_year=START_YEAR)
        .select_related("discipline", "group")
        .order_by("pk")
    )
    for assessment in missing:
        key = zlib.crc32(f"{assessment.group.name}-{assessment.discipline.name}".encode())
        teachers = staff.get(assessment.discipline.department_id)
        if teachers and assessment.examiner_id is None:
            assessment.examiner_id = examiner_of(
                assessment.group.name, assessment.discipline.name, teachers
            )
        # Monday 27 May to Saturday 15 June, skipping Sundays.
        day = DATES["main_start"] + datetime.timedelta(days=key % 20)
        if day.weekday() == 6:
            day += datetime.timedelta(days=1)
        assessment.date = day
    Assessment.objects.bulk_update(missing, ["examiner", "date"], batch_size=1000)
