"""`manage.py seed_demo`: the seed report's figures, one plan everywhere, a second run a no-op."""

import io
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Sum

from academics.choices import (
    Degree,
    DepartmentKind,
    Employment,
    FacultyKind,
    Funding,
    Level,
    LoadLevel,
    StudentStatus,
    StudyForm,
    Title,
)
from academics.models import (
    AcademicYear,
    Department,
    Discipline,
    Faculty,
    Program,
    StaffMember,
    Student,
    StudyGroup,
    TeachingLoad,
)
from demo.university import START_YEAR, build_plan

DAY, EXTRAMURAL = StudyForm.DAY, StudyForm.EXTRAMURAL
PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One run of the command for the whole module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        # The demo session alone: earlier sessions (the default) are tested in test_history.
        call_command("seed_demo", stdout=out, history_years=1)
        yield out.getvalue()
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def _year():
    return AcademicYear.objects.get(start_year=START_YEAR)


def test_the_command_prints_the_counts(seeded):
    # The labels are translated; the figures are not.
    for figure in ("2023-2024", ": 38\n", ": 520\n", ": 11977\n", ": 482\n", ": 76\n"):
        assert figure in seeded


def test_eight_faculties_and_the_college():
    assert Counter(Faculty.objects.values_list("kind", flat=True)) == {
        FacultyKind.FACULTY: 8,
        FacultyKind.COLLEGE: 1,
    }
    college = Faculty.objects.get(kind=FacultyKind.COLLEGE)
    assert (college.name, college.short_name) == ("Гуманитардык-технологиялык колледж", "ГТК")
    assert all(code.isascii() for code in Faculty.objects.values_list("code", flat=True))


def test_38_departments_26_graduating_and_12_service():
    assert Department.objects.count() == 38
    assert Counter(Department.objects.values_list("kind", flat=True)) == {
        DepartmentKind.GRADUATING: 26,
        DepartmentKind.SERVICE: 12,
    }
    assert Department.objects.filter(faculty__kind=FacultyKind.COLLEGE).count() > 0
    assert all(n.endswith("кафедрасы") for n in Department.objects.values_list("name", flat=True))


def test_programs_per_level_and_form_as_in_section_1():
    counts = Counter(Program.objects.values_list("level", "form"))
    assert counts == {
        (Level.SPECIALIST, DAY): 3,
        (Level.BACHELOR, DAY): 30,
        (Level.SPECIALIST, EXTRAMURAL): 1,
        (Level.BACHELOR, EXTRAMURAL): 23,
        (Level.MASTER, DAY): 14,
        (Level.MASTER, EXTRAMURAL): 1,
        (Level.SECONDARY, DAY): 29,
        (Level.SECONDARY, EXTRAMURAL): 21,
        # The short courses licensed in 2023-2024: no code, no groups.
        (Level.SHORT_COURSE, DAY): 5,
    }
    short_courses = Program.objects.filter(level=Level.SHORT_COURSE)
    assert set(short_courses.values_list("code", flat=True)) == {""}
    assert not StudyGroup.objects.filter(program__in=short_courses).exists()
    assert Program.objects.filter(code="710400", level=Level.BACHELOR).count() == 2


def test_every_program_has_a_graduating_department_of_its_faculty():
    for program in Program.objects.select_related("department"):
        assert program.department.kind == DepartmentKind.GRADUATING
        assert program.department.faculty_id == program.faculty_id
        college = program.level == Level.SECONDARY
        assert (program.faculty.kind == FacultyKind.COLLEGE) == college


def test_520_groups_per_level_and_form():
    groups = StudyGroup.objects.filter(academic_year=_year())
    assert groups.count() == 520
    bucket = {
        Level.BACHELOR: "higher",
        Level.SPECIALIST: "higher",
        Level.MASTER: "master",
        Level.SECONDARY: "college",
    }
    counts = Counter(
        (bucket[level], form)
        for level, form in groups.values_list("program__level", "program__form")
    )
    assert counts == {
        ("higher", DAY): 123,
        ("higher", EXTRAMURAL): 215,
        ("master", DAY): 30,
        ("master", EXTRAMURAL): 2,
        ("college", DAY): 117,
        ("college", EXTRAMURAL): 33,
    }


def test_groups_fit_their_programs():
    years = {Level.BACHELOR: 4, Level.SPECIALIST: 5, Level.MASTER: 2, Level.SECONDARY: 3}
    for name, level, year in StudyGroup.objects.values_list(
        "name", "program__level", "year_of_study"
    ):
        assert 1 <= year <= years[level], name
        abbreviation, year_in_name, index = name.split("-")
        assert abbreviation and index.isdigit() and int(year_in_name) == year, name
    # Every program of section 1 runs at least one group.
    assert not Program.objects.exclude(level=Level.SHORT_COURSE).filter(groups=None).exists()


def test_the_contingent_and_its_funding():
    students = Student.objects.filter(group__academic_year=_year())
    day = students.filter(group__program__form=DAY)
    extramural = students.filter(group__program__form=EXTRAMURAL)
    assert day.count() == 4083
    assert extramural.count() == 7894
    assert Counter(day.values_list("funding", flat=True)) == {
        Funding.BUDGET: 772,
        Funding.CONTRACT: 3311,
    }
    assert set(extramural.values_list("funding", flat=True)) == {Funding.CONTRACT}
    assert day.filter(foreign=True).count() == 262
    assert extramural.filter(foreign=True).count() == 3836
    assert set(students.values_list("status", flat=True)) == {StudentStatus.STUDYING}


def test_every_group_has_students_of_a_plausible_size():
    sizes = list(StudyGroup.objects.annotate(n=Count("students")).values_list("n", flat=True))
    assert min(sizes) >= 5
    assert max(sizes) <= 50


def test_482_staff_with_194_degreed():
    assert StaffMember.objects.count() == 482
    college = StaffMember.objects.filter(department__faculty__kind=FacultyKind.COLLEGE)
    assert college.count() == 173
    assert StaffMember.objects.exclude(department__faculty__kind=FacultyKind.COLLEGE).count() == 309
    degreed = StaffMember.objects.exclude(degree=Degree.NONE).count()
    assert degreed == 194
    assert round(100 * degreed / 482, 1) == 40.2
    # A title goes with a degree, and every department has its head.
    assert not StaffMember.objects.filter(degree=Degree.NONE).exclude(title=Title.NONE).exists()
    assert (
        not StaffMember.objects.filter(title=Title.PROFESSOR).exclude(degree=Degree.DOCTOR).exists()
    )
    assert set(
        StaffMember.objects.filter(position="head").values_list("department", flat=True)
    ) == set(Department.objects.values_list("pk", flat=True))


def test_staff_employment():
    part_time = StaffMember.objects.filter(employment=Employment.PART_TIME)
    full_time = StaffMember.objects.filter(employment=Employment.FULL_TIME)
    assert 0 < part_time.count() < full_time.count()
    assert set(part_time.values_list("rate", flat=True)) <= {
        Decimal("0.25"),
        Decimal("0.50"),
        Decimal("0.75"),
    }
    assert all(rate >= 1 for rate in full_time.values_list("rate", flat=True))


def test_teaching_load_totals_and_reasons():
    loads = TeachingLoad.objects.filter(academic_year=_year())
    totals = loads.aggregate(planned=Sum("planned_hours"), performed=Sum("performed_hours"))
    assert totals == {"planned": 547203, "performed": 551233}
    differing = [load for load in loads if load.difference]
    assert any(load.difference < 0 for load in differing)
    assert any(load.difference > 0 for load in differing)
    assert all(load.reason for load in differing)
    assert not loads.filter(performed_hours=F("planned_hours")).exclude(reason="").exists()


def test_every_department_has_a_load_for_both_terms_at_its_level():
    year = _year()
    for department in Department.objects.select_related("faculty"):
        level = (
            LoadLevel.SECONDARY
            if department.faculty.kind == FacultyKind.COLLEGE
            else LoadLevel.HIGHER
        )
        rows = TeachingLoad.objects.filter(department=department, academic_year=year)
        assert sorted(rows.values_list("term", "level")) == [(1, level), (2, level)], department


def test_disciplines_each_with_a_department():
    assert 50 <= Discipline.objects.count() <= 80
    assert not Discipline.objects.filter(department=None).exists()


def _snapshot():
    return {
        model._meta.label: list(model.objects.order_by("pk").values_list())
        for app in ("academics", "accreditation", "sessions_app", "surveys")
        for model in apps.get_app_config(app).get_models()
    }


def test_a_second_run_changes_nothing():
    before = _snapshot()
    call_command("seed_demo", verbosity=0, history_years=1)
    after = _snapshot()
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label


def test_the_plan_does_not_depend_on_the_process():
    # Hash randomization differs between processes: the plan must not depend on it.
    script = (
        "import django; django.setup(); "
        "from demo.university import build_plan; print(build_plan().digest())"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == build_plan().digest()


def test_the_demo_session_has_the_seed_reports_admissions():
    from sessions_app.models import Admission, GradeChange

    main = Admission.objects.filter(stage="main", session__term=2)
    day = main.filter(group__program__form=DAY)
    assert day.count() == 4083
    assert day.filter(admitted=True).count() == 3463
    assert day.filter(admitted=False, reason="valid").count() == 189
    assert day.filter(admitted=False, reason="invalid").count() == 431
    extramural = main.filter(group__program__form=EXTRAMURAL)
    assert (extramural.count(), extramural.filter(admitted=True).count()) == (7894, 5583)
    # Every demo grade came through the import, with its audit row.
    assert GradeChange.objects.filter(source="import").count() > 50000


def test_the_demo_session_has_a_few_lenient_and_a_few_strict_examiners():
    """The examiners page is not empty: among hundreds of pairs tested, a few of the planted
    lenient and strict pairs (demo.sessions.leanings) are flagged, of both kinds, and no other."""
    from demo.sessions import LENIENT_PAIRS, STRICT_PAIRS, leanings
    from reports.examiners.method import analyse
    from sessions_app.models import Assessment, ExamSession

    session = ExamSession.objects.get(academic_year__start_year=START_YEAR, term=2)
    analysis = analyse(session)
    flagged = [result for result in analysis.results if result.flagged]
    assert analysis.tested > 100
    assert 2 <= len(flagged) <= LENIENT_PAIRS + STRICT_PAIRS
    assert {result.difference > 0 for result in flagged} == {True, False}
    pool = list(Discipline.objects.order_by("name").values_list("name", flat=True))
    leaning = leanings(build_plan(), pool)
    for result in flagged:
        groups = Assessment.objects.filter(
            session=session,
            examiner_id=result.examiner_id,
            discipline_id=result.discipline_id,
            kind="exam",  # the same discipline may be another group's credit: no marks
        ).values_list("group__name", flat=True)
        # Each flagged pair is a planted one, leaning the way its difference says.
        assert {leaning.get((group, result.discipline)) for group in groups} == {
            1 if result.difference > 0 else -1
        }
