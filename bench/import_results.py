"""Benchmark of the results import: a generated workbook of N rows, imported into a fresh database.

The budget (issue "results import"): 100 000 rows in under 60 s on PostgreSQL on the 2-core
machine, with peak memory under 1 GiB, keeping the audit trail. Run it so:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/import_results.py --rows 100000

The configured database itself is not touched: as the test runner does, a fresh database named
test_<name> (here test_portal_bench) is created beside it, migrated, used and dropped. Without
DATABASE_URL the run is on an in-memory SQLite database. A small run for CI: --rows 2000.

The workbook is deterministic (a seeded generator) and cached under var/bench/. The script
prints and writes to var/bench/import_results.json: the wall time of `manage.py import_results`
(read, check, write, with a GradeChange row per grade), rows per second, the time of a second
import of the same file (which changes nothing), the read-only floor (python-calamine reading
every cell, no checks), and the peak resident memory of this process (ru_maxrss; the workbook is
generated in a child process so that its memory is not counted).

With --examiners the workbook has the examiner column too: each group's assessment names one of
EXAMINER_POOL teachers, written in varying case and spacing, all of them on the teaching staff
(made before the import, in a department of their own), so that every name is matched.
"""

import argparse
import json
import multiprocessing
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
# Bump when the generator changes, so that a cached workbook is not reused.
GENERATOR_VERSION = 1

FACULTIES = [
    "Экономика жана башкаруу факультети",
    "Информациялык технологиялар жана байланыш факультети",
    "Курулуш жана архитектура факультети",
    "Энергетика факультети",
    "Транспорт жана машина куруу факультети",
    "Технология жана дизайн факультети",
    "Айыл чарба жана агроинженерия факультети",
    "Гуманитардык жана эл аралык мамилелер факультети",
]
SUBJECTS = [
    "Жогорку математика",
    "Физика",
    "Информатика",
    "Кыргыз тили",
    "Орус тили",
    "Англис тили",
    "Философия",
    "Кыргызстандын тарыхы",
    "Экономикалык теория",
    "Программалоо",
    "Маалымат базалары",
    "Электротехника",
    "Механика",
    "Чийме геометриясы",
    "Дене тарбия",
    "Экология",
    "Манас таануу",
    "Статистика",
]
SURNAMES = ["Асанов", "Бекова", "Токонов", "Жумабаева", "Султанов", "Осмонова", "Мамытов",
            "Абдыкадырова", "Турдубеков", "Иманалиева", "Кадыров", "Сатыбалдиева"]  # fmt: skip
NAMES = ["Бакыт", "Аида", "Эмил", "Айгерим", "Нурлан", "Жылдыз", "Улан", "Бегимай", "Азамат",
         "Чолпон", "Тилек", "Нургуль"]  # fmt: skip

HEADERS = [
    "academic_year", "term", "faculty", "program_code", "program_name", "level", "form",
    "group", "student_id", "student_name", "funding", "admitted", "not_admitted_reason",
    "discipline", "kind", "attempt", "grade",
]  # fmt: skip
EXAMS, CREDITS = 11, 4
GROUP_SIZE = 25
EXAMINER_POOL = 400


def examiner_name(number):
    return (
        f"{SURNAMES[number % len(SURNAMES)]} {NAMES[number // len(SURNAMES) % len(NAMES)]} {number}"
    )


def _examiner_of(group_no, discipline):
    """The examiner a group's assessment names, as a registrar types it (case and spaces vary);
    drawn without the generator's random numbers, so the other columns stay as they were."""
    number = (group_no * 31 + SUBJECTS.index(discipline) * 7) % EXAMINER_POOL
    name = examiner_name(number)
    return name.upper() if number % 3 == 0 else name.replace(" ", "  ") if number % 3 == 1 else name


def generate_rows(
    n_rows, seed=2024, academic_year="2023-2024", term=1, code_base=710100, examiners=False
):
    """The rows of a winter session (of `academic_year`, `term`): groups of 25 students, 11 exams
    and 4 credits each, the main attempt for every student and assessment, and АКЖ for those who
    owe. The 24 programs' codes count from `code_base` by 100."""
    rng = random.Random(seed)
    produced = 0
    student_no = 0
    group_no = 0
    while True:
        group_no += 1
        faculty = FACULTIES[group_no % len(FACULTIES)]
        program = group_no % 24
        code = f"{code_base + program * 100}"
        form = "day" if program % 3 else "extramural"
        program_name = f"Программа {program + 1}"
        group = f"G{program + 1:02d}-{group_no:04d}-23"
        subjects = rng.sample(SUBJECTS, EXAMS + CREDITS)
        assessments = [(s, "exam") for s in subjects[:EXAMS]] + [
            (s, "credit") for s in subjects[EXAMS:]
        ]
        base = [
            academic_year, term, faculty, code, program_name, "bachelor", form, group,
        ]  # fmt: skip
        for _ in range(GROUP_SIZE):
            student_no += 1
            record_book = f"23{student_no:06d}"
            name = f"{rng.choice(SURNAMES)} {rng.choice(NAMES)} {student_no}"
            funding = "budget" if rng.random() < 0.3 else "contract"
            head = base + [record_book, name, funding]
            admitted = rng.random() > 0.03
            reason = "" if admitted else rng.choice(["valid", "invalid"])
            retakes = []
            for discipline, kind in assessments:
                if not admitted:
                    grade = ""
                elif kind == "exam":
                    grade = rng.choices(["5", "4", "3", "2", "absent"], [20, 35, 33, 8, 4])[0]
                else:
                    grade = rng.choices(["pass", "fail", "absent"], [92, 6, 2])[0]
                row = head + [
                    "yes" if admitted else "no", reason, discipline, kind, "main", grade,
                ]  # fmt: skip
                if examiners:
                    row.append(_examiner_of(group_no, discipline))
                yield row
                produced += 1
                if produced == n_rows:
                    return
                if grade in ("2", "fail", "absent") or (not admitted and rng.random() < 0.5):
                    retakes.append((discipline, kind, grade))
            for discipline, kind, _main in retakes:
                if kind == "exam":
                    grade = rng.choices(["5", "4", "3", "2", "absent", ""], [2, 10, 60, 15, 8, 5])
                else:
                    grade = rng.choices(["pass", "fail", "absent", ""], [80, 10, 5, 5])
                row = head + ["yes", "", discipline, kind, "retake", grade[0]]
                # An АКЖ row may leave the examiner blank: the main rows name them.
                yield row + [""] if examiners else row
                produced += 1
                if produced == n_rows:
                    return


def write_workbook(
    path, n_rows, academic_year="2023-2024", term=1, code_base=710100, examiners=False
):
    """The workbook of generate_rows() at `path` (bench/scale.py writes one per session)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("results")
    sheet.append(HEADERS + ["examiner"] if examiners else HEADERS)
    rows = generate_rows(
        n_rows,
        academic_year=academic_year,
        term=term,
        code_base=code_base,
        examiners=examiners,
    )
    for row in rows:
        sheet.append(row)
    book.save(path)


def read_floor(path):
    """python-calamine reading every cell: what no import can beat."""
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    book = CalamineWorkbook.from_path(str(path))
    rows = sum(1 for _ in book.get_sheet_by_name("results").iter_rows())
    book.close()
    return time.perf_counter() - started, rows


def _make_examiners():
    """The teaching staff the --examiners workbook names, in one department."""
    from academics.models import Department, Faculty, StaffMember

    faculty = Faculty.objects.create(code="bench", name="Кафедралар")
    department = Department.objects.create(faculty=faculty, name="Окутуучулар", kind="service")
    StaffMember.objects.bulk_create(
        StaffMember(
            personnel_number=f"B{number:05d}",
            full_name=examiner_name(number),
            department=department,
            position="lecturer",
        )
        for number in range(EXAMINER_POOL)
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--output", default=str(OUT / "import_results.json"))
    parser.add_argument(
        "--examiners", action="store_true", help="with the examiner column, every name matched"
    )
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    suffix = "-examiners" if args.examiners else ""
    path = OUT / f"results-{args.rows}-v{GENERATOR_VERSION}{suffix}.xlsx"
    generate_seconds = None
    if not path.exists():
        started = time.perf_counter()
        # In a child process: openpyxl's memory is not the import's.
        child = multiprocessing.get_context("spawn").Process(
            target=write_workbook, args=(path, args.rows), kwargs={"examiners": args.examiners}
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            sys.exit("generating the workbook failed")
        generate_seconds = time.perf_counter() - started

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from bench.common import fresh_database

    # As in production: no query log kept in memory.
    settings.DEBUG = False
    floor_seconds, sheet_rows = read_floor(path)
    with fresh_database():
        from sessions_app.management.commands import import_results
        from sessions_app.models import (
            Admission,
            Assessment,
            Grade,
            GradeChange,
            GradeSheet,
            Student,
        )

        admin = get_user_model().objects.create_superuser("bench-admin", password=None)
        if args.examiners:
            _make_examiners()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        command = import_results.Command()
        started = time.perf_counter()
        call_command(command, str(path), "--user", admin.username, verbosity=0)
        import_seconds = time.perf_counter() - started
        phases = {phase: round(s, 2) for phase, s in command.result.timings.items()}
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        written = {
            "examiners_set": Assessment.objects.filter(examiner__isnull=False).count(),
            "students": Student.objects.count(),
            "admissions": Admission.objects.count(),
            "grades": Grade.objects.count(),
            "grade_changes": GradeChange.objects.count(),
            "grade_sheets": GradeSheet.objects.count(),
        }
        started = time.perf_counter()
        call_command("import_results", str(path), "--user", admin.username, verbosity=0)
        reimport_seconds = time.perf_counter() - started
        unchanged = GradeChange.objects.count() == written["grade_changes"]
        vendor = connection.vendor
        database = connection.settings_dict["NAME"]

    report = {
        "rows": args.rows,
        "examiners": args.examiners,
        "file": str(path.relative_to(ROOT)),
        "file_mb": round(path.stat().st_size / 1024**2, 2),
        "database": vendor,
        "database_name": str(database),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "generate_seconds": round(generate_seconds, 2) if generate_seconds else None,
        "read_floor_seconds": round(floor_seconds, 2),
        "import_seconds": round(import_seconds, 2),
        "rows_per_second": round(args.rows / import_seconds),
        "phases_seconds": phases,
        "reimport_seconds": round(reimport_seconds, 2),
        "reimport_changed_nothing": unchanged,
        "peak_rss_mb": round(rss_after / 1024, 1),
        "rss_before_import_mb": round(rss_before / 1024, 1),
        "written": written,
    }
    assert sheet_rows == args.rows + 1, (sheet_rows, args.rows)
    Path(args.output).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    width = max(len(key) for key in report)
    for key, value in report.items():
        print(f"{key:<{width}}  {value}")
    budget_ok = import_seconds < 60 and rss_after < 1024 * 1024
    if args.rows >= 100_000 and vendor == "postgresql":
        print("within budget (60 s, 1 GiB):", "yes" if budget_ok else "NO")


if __name__ == "__main__":
    main()
