"""Small builders of valid objects for tests: each fills what the caller does not say."""

import itertools

from academics.choices import DepartmentKind, Funding, Level, LoadLevel, Position, StudyForm
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

_seq = itertools.count(1)


def _n():
    return next(_seq)


def academic_year(start_year=2023):
    return AcademicYear.objects.get_or_create(start_year=start_year)[0]


def faculty(**kw):
    n = _n()
    kw.setdefault("code", f"f{n}")
    kw.setdefault("name", f"Faculty {n}")
    return Faculty.objects.create(**kw)


def department(**kw):
    n = _n()
    kw.setdefault("faculty", kw.get("faculty") or faculty())
    kw.setdefault("name", f"Department {n}")
    kw.setdefault("kind", DepartmentKind.GRADUATING)
    return Department.objects.create(**kw)


def program(**kw):
    n = _n()
    kw.setdefault("faculty", kw.get("faculty") or faculty())
    kw.setdefault("code", f"{700000 + n}")
    kw.setdefault("name", f"Program {n}")
    kw.setdefault("level", Level.BACHELOR)
    kw.setdefault("form", StudyForm.DAY)
    return Program.objects.create(**kw)


def group(**kw):
    n = _n()
    kw.setdefault("program", kw.get("program") or program())
    kw.setdefault("academic_year", kw.get("academic_year") or academic_year())
    kw.setdefault("name", f"G-{n}")
    kw.setdefault("year_of_study", 1)
    return StudyGroup.objects.create(**kw)


def student(**kw):
    n = _n()
    kw.setdefault("group", kw.get("group") or group())
    kw.setdefault("record_book", f"RB{n:06d}")
    kw.setdefault("full_name", f"Student {n}")
    kw.setdefault("funding", Funding.CONTRACT)
    return Student.objects.create(**kw)


def discipline(**kw):
    kw.setdefault("name", f"Discipline {_n()}")
    return Discipline.objects.create(**kw)


def staff_member(**kw):
    n = _n()
    kw.setdefault("department", kw.get("department") or department())
    kw.setdefault("personnel_number", f"T{n:05d}")
    kw.setdefault("full_name", f"Teacher {n}")
    kw.setdefault("position", Position.LECTURER)
    return StaffMember.objects.create(**kw)


def teaching_load(**kw):
    kw.setdefault("department", kw.get("department") or department())
    kw.setdefault("academic_year", kw.get("academic_year") or academic_year())
    kw.setdefault("term", 1)
    kw.setdefault("level", LoadLevel.HIGHER)
    kw.setdefault("planned_hours", 1000)
    kw.setdefault("performed_hours", 1000)
    return TeachingLoad.objects.create(**kw)


# Exam sessions and users with roles


def exam_session(**kw):
    from sessions_app.models import ExamSession

    kw.setdefault("academic_year", kw.get("academic_year") or academic_year())
    kw.setdefault("term", 2)
    return ExamSession.objects.get_or_create(
        academic_year=kw.pop("academic_year"), term=kw.pop("term"), defaults=kw
    )[0]


def assessment(**kw):
    from sessions_app.models import Assessment

    kw.setdefault("session", kw.get("session") or exam_session())
    kw.setdefault("group", kw.get("group") or group())
    kw.setdefault("discipline", kw.get("discipline") or discipline())
    kw.setdefault("kind", "exam")
    return Assessment.objects.create(**kw)


def user(username=None, role=None, faculty=None, **kw):
    """A user with a role of academics.roles and, for a dean's office, its faculty."""
    from django.contrib.auth.models import Group, User

    from academics.models import UserProfile

    username = username or f"user{_n()}"
    account = User.objects.create_user(username, password="a-long-password-1", **kw)
    if role:
        account.groups.add(Group.objects.get(name=role))
    if faculty:
        UserProfile.objects.create(user=account, faculty=faculty)
    return account


def faculty_records(name, session):
    """A faculty with rows of every faculty-scoped model, each named after it: a department with a
    teacher and a load, a program, a group of two students; an assessment of `session` with the
    group's admissions and a submitted main sheet holding a 5 and a 2 (the grades, their audit,
    the sheet's event); a state attestation with the first student on its list.

    Returns {"faculty", "department", "group", "students", "exam", "sheet", "attestation", ...}.
    """
    from sessions_app import services
    from sessions_app.choices import Attempt, AttestationKind
    from sessions_app.models import AttestationEntry, StateAttestation

    record = {"faculty": faculty(name=name, code=slug(name))}
    record["department"] = department(faculty=record["faculty"], name=f"{name} department")
    record["staff_member"] = staff_member(
        department=record["department"], full_name=f"{name} teacher"
    )
    record["teaching_load"] = teaching_load(
        department=record["department"], academic_year=session.academic_year
    )
    record["program"] = program(faculty=record["faculty"], department=record["department"])
    record["group"] = group(
        program=record["program"], academic_year=session.academic_year, name=f"{name}-1"
    )
    record["students"] = [
        student(group=record["group"], full_name=f"{name} student {n}") for n in "12"
    ]
    record["exam"] = assessment(session=session, group=record["group"])
    services.ensure_admissions(session, record["group"])
    sheet = services.open_sheet(record["exam"], Attempt.MAIN)
    first, second = record["students"]
    services.record_grades(sheet, {first.pk: "5", second.pk: "2"}, None, version=sheet.version)
    record["sheet"] = services.submit_sheet(sheet, None)
    record["attestation"] = StateAttestation.objects.create(
        academic_year=session.academic_year,
        program=record["program"],
        kind=AttestationKind.SPECIAL_EXAM,
    )
    AttestationEntry.objects.create(
        attestation=record["attestation"], student=first, ordered=True, sat=True, grade="4"
    )
    return record


def slug(name):
    return "".join(c for c in name.lower() if c.isalnum())[:20] or f"f{_n()}"
