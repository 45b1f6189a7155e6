"""Benchmark of the university at scale (issue 9): the hot paths on years of history, with floors.

Run it so (PostgreSQL; the configured database itself is not touched):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_scale \\
        .venv/bin/python bench/scale.py [--years 5] [--runs 5] [--rows 100000] [--small]

As bench/dashboard.py does, a fresh database test_<name> (here test_portal_scale) is created
beside the configured one, migrated, loaded with `manage.py seed_demo --history-years N
--assessments A` (the demo university, about 12 000 students; N academic years of two exam
sessions each, the earlier sessions with A assessments per student, default 10, through the
results import; the demo session itself keeps its 4 exams and a credit), VACUUM ANALYZEd
(PostgreSQL), measured and dropped. Without DATABASE_URL, or with a sqlite:/// one, the run is
on SQLite (the test database file of the settings).

Measured, each the median (and min, max) of --runs runs after one warm-up run, with the SQL
queries of the last run (counted by an execute wrapper, so without the debug cursor's cost) and
the peak memory of one more run of the call, untimed, under tracemalloc (the Python allocations
of the process during the call: not the C libraries', so not Pango's for the PDF), and the growth
of the process's peak resident memory (getrusage ru_maxrss) during the timed runs (0 when the
call stayed below the peak the seed had already reached):
- the session report: the page GET /reports/session/ (both forms, both stages, every faculty) as
  the vice-rector through django.test.Client, and reports.achievement.achievement_tables() alone;
- the dashboard GET /dashboard/ built on every request (DASHBOARD_FIGURES_MAX_AGE = 0), and as it
  runs by default (its content cached for the freshness window);
- saving a 30-student sheet: sessions_app.services.record_grades on the main exam sheet of a group
  with 30 admitted students in the current session, as its dean's office head, every grade
  changed on every run (5 and 4 alternating);
- the council resolution's PDF: reports.resolutions.documents.render_pdf of a draft resolution of
  the current session (reports.resolutions.services.create_resolution), its document built as the
  PDF job builds it;
- import_results of a --rows workbook (bench/import_results.py's generator and writer), each run
  into a new exam session (a later academic year each); when the first run takes over 10 s it is
  the one measured (no warm-up, one run), as said in the output.
And the floors, on the same data, timed the same way:
- for the report, one hand-written SQL query computing the same counts per faculty, form and
  stage straight from the grades (sessions_app_grade, sessions_app_admission and the academics
  tables; not from the stored student outcomes), checked to give the report's figures;
- for the import, python-calamine only reading the same workbook into Python values.

--years-series 1,5,10 rebuilds the database for each number of years and measures the report
(page, achievement_tables, floor) on each, to show whether its time grows with the history; the
full set is measured at --years. It is slow: each database is seeded through the import
(10 years: about 20 sessions of 100 000 grades).

--small (CI): 1 year, 5 assessments, --rows 2000, --runs 1; well under a minute, SQLite too.

The table is printed and written to var/bench/scale.json (--output).
"""

import argparse
import datetime
import gc
import json
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    django_setup,
    fresh_database,
    load_demo,
    vice_rector_client,
)
from bench.import_results import GENERATOR_VERSION, write_workbook  # noqa: E402

TARGETS = {
    "report_ms": 300,  # the session report page
    "report_floor_ratio": 3,  # the page against the report's floor query
    "import_floor_ratio": 5,  # the import against reading the workbook
    "dashboard_ms": 500,
}
# An import run longer than this is measured once (no warm-up, no further runs).
ONE_RUN_SECONDS = 10
SHEET_SIZE = 30
# The generated workbook's programs: codes the demo university does not use (710100... are its).
CODE_BASE = 910100

PAGE = "report page GET /reports/session/"
TABLES = "report achievement_tables()"
REPORT_FLOOR = "report floor: one SQL query over the grades"
DASHBOARD = "dashboard, built on every request"
DASHBOARD_CACHED = "dashboard, content cached (default)"
SAVE = "save a 30-student sheet (record_grades)"
PDF = "resolution PDF (build_document + render_pdf)"
IMPORT = "import_results"
IMPORT_FLOOR = "import floor: calamine reads the workbook"


def _maxrss_mb():
    # Linux: kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Counter:
    """An execute wrapper counting the queries (an executemany counts once)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _traced(function):
    """(peak MB of Python allocations, seconds) of one call under tracemalloc."""
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        function()
    finally:
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return round(peak / 1024**2, 1), round(seconds, 2)


def measure(function, runs, warmup=True, trace=True):
    """The median, min and max ms of `function()` over `runs` runs after a warm-up, its queries
    (last run), the growth of ru_maxrss over the runs, and its traced peak memory (one more run)."""
    from django.db import connection

    if warmup:
        function()
    times = []
    rss_before = _maxrss_mb()
    for _ in range(runs):
        counter = _Counter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            function()
            times.append((time.perf_counter() - started) * 1000)
    result = {
        "median_ms": round(statistics.median(times), 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
        "runs": runs,
        "queries": counter.count,
        "maxrss_growth_mb": round(_maxrss_mb() - rss_before, 1),
    }
    if trace:
        result["peak_traced_mb"], _seconds = _traced(function)
    return result


def _workbook(rows, start_year):
    """The generated results workbook of `rows` rows for the winter session of `start_year`,
    cached under var/bench/; written in a child process (openpyxl's memory is not ours)."""
    path = OUT / f"scale-results-{rows}-{start_year}-{CODE_BASE}-v{GENERATOR_VERSION}.xlsx"
    if not path.exists():
        partial = path.with_suffix(".partial.xlsx")
        child = multiprocessing.get_context("spawn").Process(
            target=write_workbook,
            args=(partial, rows, f"{start_year}-{start_year + 1}", 1, CODE_BASE),
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            sys.exit("generating the workbook failed")
        partial.rename(path)
    return path


# --- The report's floor: the counts straight from the grades ----------------------------------

# Per stage s (b: before АКЖ, a: after): the student's figures, then the scope's counts.
_FLOOR_STUDENT = """
           SUM(CASE WHEN v_{s} IN ('5', '4', '3', 'pass') THEN 1 ELSE 0 END) AS ok_{s},
           SUM(CASE WHEN v_{s} = 'absent' THEN 1 ELSE 0 END) AS absent_{s},
           MIN(CASE WHEN v_{s} IN ('5', '4', '3') THEN v_{s} END) AS low_{s},
           MAX(CASE WHEN v_{s} IN ('5', '4', '3') THEN v_{s} END) AS high_{s}"""
_FLOOR_PASSED = """
           CASE WHEN t.admitted_{s} = 1 AND t.owed_{s} <= 0 THEN 1 ELSE 0 END AS passed_{s}"""
_FLOOR_COUNTS = """
       SUM(admitted_{s}),
       SUM(CASE WHEN admitted_{s} = 0 AND reason = 'valid' THEN 1 ELSE 0 END),
       SUM(CASE WHEN admitted_{s} = 0 AND reason <> 'valid' THEN 1 ELSE 0 END),
       SUM(CASE WHEN passed_{s} = 1 AND low_{s} = '5' THEN 1 ELSE 0 END),
       SUM(CASE WHEN passed_{s} = 1 AND low_{s} = '4' THEN 1 ELSE 0 END),
       SUM(CASE WHEN passed_{s} = 1 AND low_{s} = '3' AND high_{s} > '3' THEN 1 ELSE 0 END),
       SUM(CASE WHEN passed_{s} = 1 AND (high_{s} = '3' OR high_{s} IS NULL) THEN 1 ELSE 0 END),
       SUM(passed_{s}),
       SUM(CASE WHEN admitted_{s} = 1 AND owed_{s} = 1 THEN 1 ELSE 0 END),
       SUM(CASE WHEN admitted_{s} = 1 AND owed_{s} = 2 THEN 1 ELSE 0 END),
       SUM(CASE WHEN admitted_{s} = 1 AND owed_{s} >= 3 THEN 1 ELSE 0 END),
       SUM(CASE WHEN admitted_{s} = 1 AND absent_{s} > 0 THEN 1 ELSE 0 END)"""
FLOOR_STAGE_COUNTS = (
    "admitted",
    "not_admitted_valid",
    "not_admitted_invalid",
    "excellent",
    "good",
    "mixed",
    "satisfactory",
    "passed",
    "owing_1",
    "owing_2",
    "owing_3_plus",
    "no_show",
)
FLOOR_COMMON_COUNTS = ("contingent", "budget", "contract", "foreign")
# Plain SQL of both PostgreSQL and SQLite. One row per faculty and form: the common counts, then
# the stage counts before АКЖ, then after.
FLOOR_SQL = f"""
WITH attempts AS (
    SELECT gr.student_id, x.group_id,
           MAX(CASE WHEN gr.attempt = 'main' THEN gr.value END) AS v_b,
           COALESCE(MAX(CASE WHEN gr.attempt = 'retake' THEN gr.value END),
                    MAX(CASE WHEN gr.attempt = 'main' THEN gr.value END)) AS v_a
    FROM sessions_app_grade gr
    JOIN sessions_app_assessment x ON x.id = gr.assessment_id
    WHERE x.session_id = %(session)s
    GROUP BY gr.student_id, x.group_id, gr.assessment_id
),
graded AS (
    SELECT student_id, group_id,{_FLOOR_STUDENT.format(s="b")},{_FLOOR_STUDENT.format(s="a")}
    FROM attempts
    GROUP BY student_id, group_id
),
required AS (
    SELECT group_id, COUNT(*) AS n FROM sessions_app_assessment
    WHERE session_id = %(session)s GROUP BY group_id
),
students AS (
    SELECT p.faculty_id, p.form, a.reason, a.funding, s."foreign" AS is_foreign,
           CASE WHEN a.admitted THEN 1 ELSE 0 END AS admitted_b,
           CASE WHEN a.admitted OR COALESCE(r.admitted, FALSE) THEN 1 ELSE 0 END AS admitted_a,
           COALESCE(q.n, 0) - COALESCE(gd.ok_b, 0) AS owed_b,
           COALESCE(q.n, 0) - COALESCE(gd.ok_a, 0) AS owed_a,
           COALESCE(gd.absent_b, 0) AS absent_b, COALESCE(gd.absent_a, 0) AS absent_a,
           gd.low_b, gd.high_b, gd.low_a, gd.high_a
    FROM sessions_app_admission a
    JOIN academics_student s ON s.id = a.student_id
    JOIN academics_studygroup g ON g.id = a.group_id
    JOIN academics_program p ON p.id = g.program_id
    LEFT JOIN sessions_app_admission r
           ON r.session_id = a.session_id AND r.student_id = a.student_id AND r.stage = 'retake'
    LEFT JOIN required q ON q.group_id = a.group_id
    LEFT JOIN graded gd ON gd.student_id = a.student_id AND gd.group_id = a.group_id
    WHERE a.session_id = %(session)s AND a.stage = 'main'
),
flagged AS (
    SELECT t.*,{_FLOOR_PASSED.format(s="b")},{_FLOOR_PASSED.format(s="a")}
    FROM students t
)
SELECT faculty_id, form,
       COUNT(*),
       SUM(CASE WHEN funding = 'budget' THEN 1 ELSE 0 END),
       SUM(CASE WHEN funding = 'contract' THEN 1 ELSE 0 END),
       SUM(CASE WHEN is_foreign THEN 1 ELSE 0 END),{_FLOOR_COUNTS.format(s="b")},
{_FLOOR_COUNTS.format(s="a")}
FROM flagged
GROUP BY faculty_id, form
"""


def report_floor(session_id):
    """{(stage, form, faculty id): counts} of the session, by FLOOR_SQL."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, {"session": session_id})
        result = cursor.fetchall()
    counts = {}
    common, width = len(FLOOR_COMMON_COUNTS), len(FLOOR_STAGE_COUNTS)
    for faculty_id, form, *values in result:
        values = [int(v or 0) for v in values]
        for index, stage in enumerate(("before", "after")):
            part = values[common + index * width : common + (index + 1) * width]
            counts[(stage, form, faculty_id)] = dict(
                zip(FLOOR_COMMON_COUNTS, values[:common], strict=True)
            ) | dict(zip(FLOOR_STAGE_COUNTS, part, strict=True))
    return counts


def _report_counts(tables):
    """achievement_tables() as report_floor() gives it."""
    names = FLOOR_COMMON_COUNTS + FLOOR_STAGE_COUNTS
    return {
        (stage, form, row.key): {name: row.counts[name] for name in names}
        for (stage, form), rows in tables.items()
        for row in rows
        if row.counts["contingent"]
    }


# --- One database ------------------------------------------------------------------------------


def _data():
    from sessions_app.models import Admission, ExamSession, Grade, StudentOutcome

    return {
        "sessions": ExamSession.objects.count(),
        "admissions": Admission.objects.count(),
        "grades": Grade.objects.count(),
        "student_outcomes": StudentOutcome.objects.count(),
    }


def _seed(years, assessments):
    seed_seconds, vacuum_seconds = load_demo(history_years=years, assessments=assessments)
    return round(seed_seconds, 1), vacuum_seconds and round(vacuum_seconds, 1)


def _report(session, client, runs):
    """The report page, achievement_tables() and the floor query, and whether the floor's
    figures are the report's."""
    from django.urls import reverse

    from reports.achievement import achievement_tables

    url = reverse("reports:session_report")

    def page():
        response = client.get(url, {"session": session.pk})
        assert response.status_code == 200, response.status_code

    results = {
        PAGE: measure(page, runs),
        TABLES: measure(lambda: achievement_tables(session), runs),
        REPORT_FLOOR: measure(lambda: report_floor(session.pk), runs),
    }
    floor_ms = results[REPORT_FLOOR]["median_ms"]
    for name in (PAGE, TABLES):
        results[name]["floor_ms"] = floor_ms
        results[name]["floor_ratio"] = round(results[name]["median_ms"] / floor_ms, 2)
    same = report_floor(session.pk) == _report_counts(achievement_tables(session))
    return results, same


def _sheet(session):
    """(the main exam sheet, its dean's office head, {student id: True}) of a group of the session
    with SHEET_SIZE admitted students (else the nearest size above, else below), and its size."""
    from django.contrib.auth.models import Group, User
    from django.db.models import Count, Q

    from academics import roles
    from academics.models import UserProfile
    from sessions_app.models import Admission, Assessment, Grade
    from sessions_app.services import open_sheet

    sizes = (
        Admission.objects.filter(session=session, stage="main", admitted=True)
        .values("group")
        .annotate(n=Count("id"))
        .order_by("group")
    )
    with_exam = set(
        Assessment.objects.filter(session=session, kind="exam").values_list("group", flat=True)
    )
    sizes = [(row["n"], row["group"]) for row in sizes if row["group"] in with_exam]
    n, group_id = min(sizes, key=lambda s: (s[0] < SHEET_SIZE, abs(s[0] - SHEET_SIZE), s[1]))
    assessment = (
        Assessment.objects.filter(session=session, group_id=group_id, kind="exam")
        .annotate(retaken=Count("grades", filter=Q(grades__attempt="retake")))
        .select_related("group__program")
        .order_by("retaken", "pk")
        .first()
    )
    head = User.objects.create_user("bench-dean-head", password=None)
    head.groups.add(Group.objects.get(name=roles.DEAN_OFFICE_HEAD))
    UserProfile.objects.create(user=head, faculty_id=assessment.group.program.faculty_id)
    # Those with an АКЖ grade keep their main grade: a passing one would leave the АКЖ grade
    # owed by nobody, which the rules refuse (sessions_app.rules).
    retaken = Grade.objects.filter(assessment=assessment, attempt="retake").values("student_id")
    students = list(
        Admission.objects.filter(session=session, stage="main", admitted=True, group_id=group_id)
        .exclude(student_id__in=retaken)
        .values_list("student_id", flat=True)
    )
    return open_sheet(assessment, "main"), head, students, len(students)


def _full(session, client, runs, rows, first_year, notes):
    """Every hot path but the report (measured by _report), on the current database."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.urls import reverse

    from demo.university import START_YEAR
    from reports.resolutions import documents
    from reports.resolutions import services as service
    from sessions_app.importer import import_results
    from sessions_app.services import record_grades

    results = {}
    url = reverse("reports:dashboard")

    def dashboard():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    window = settings.DASHBOARD_FIGURES_MAX_AGE
    settings.DASHBOARD_FIGURES_MAX_AGE = 0
    results[DASHBOARD] = measure(dashboard, runs)
    settings.DASHBOARD_FIGURES_MAX_AGE = window or 15
    results[DASHBOARD_CACHED] = measure(dashboard, runs)
    settings.DASHBOARD_FIGURES_MAX_AGE = window

    sheet, head, students, size = _sheet(session)
    state = {"version": sheet.version, "value": "5"}
    first = sheet.version

    def save():
        state["value"] = "4" if state["value"] == "5" else "5"
        changed = record_grades(
            sheet, dict.fromkeys(students, state["value"]), head, state["version"]
        ).changed
        # Every grade changes, but at the warm-up (some were already that value).
        assert changed == len(students) or state["version"] == first, (changed, len(students))
        state["version"] += 1

    results[SAVE] = measure(save, runs)
    results[SAVE]["students"] = size
    if size != SHEET_SIZE:
        notes.append(f"no group has {SHEET_SIZE} admitted students: the sheet has {size}")

    resolution = service.create_resolution(
        {
            "session": session,
            "council_date": datetime.date(START_YEAR + 1, 8, 28),
            "protocol_number": "1",
            "reporter_position": "Окуу иштери боюнча проректор",
            "reporter_name": "У.Ж. Мамытов",
            "controller": "ОшТУнун окуу иштери боюнча проректору У.Ж. Мамытов",
        }
    )

    def pdf():
        content = documents.render_pdf(service.build_document(resolution))
        assert content.startswith(b"%PDF"), content[:10]

    results[PDF] = measure(pdf, runs)

    # The import, last: it adds sessions. Each run into a new session, a year later each.
    admin = User.objects.create_superuser("bench-admin", password=None)
    years = iter(range(first_year, first_year + runs + 3))
    last = {}

    def import_new():
        path = _workbook(rows, next(years))
        result = import_results(str(path), user=admin)
        assert result.ok, result.errors[:3]
        last["path"], last["result"] = path, result

    # The workbooks are generated before the timed runs, outside them.
    first_path = _workbook(rows, first_year)
    rss_before = _maxrss_mb()
    started = time.perf_counter()
    import_new()
    first_seconds = time.perf_counter() - started
    if first_seconds > ONE_RUN_SECONDS:
        results[IMPORT] = {
            "median_ms": round(first_seconds * 1000, 1),
            "min_ms": round(first_seconds * 1000, 1),
            "max_ms": round(first_seconds * 1000, 1),
            "runs": 1,
            "queries": None,
            "maxrss_growth_mb": round(_maxrss_mb() - rss_before, 1),
        }
        notes.append(
            f"import_results took {first_seconds:.1f} s (> {ONE_RUN_SECONDS} s): one run, "
            "no warm-up, its queries not counted"
        )
    else:
        for year in range(first_year + 1, first_year + runs + 2):
            _workbook(rows, year)
        results[IMPORT] = measure(import_new, runs, warmup=False, trace=False)
    timings = {phase: round(s, 2) for phase, s in last["result"].timings.items()}
    results[IMPORT]["phases_seconds"] = timings
    results[IMPORT]["rows"] = rows
    # Its memory: one more import, into one more new session, under tracemalloc.
    _workbook(rows, first_year + runs + 2)
    years = iter([first_year + runs + 2])
    results[IMPORT]["peak_traced_mb"], traced_seconds = _traced(import_new)
    results[IMPORT]["traced_run_seconds"] = traced_seconds

    from python_calamine import CalamineWorkbook

    def read():
        book = CalamineWorkbook.from_path(str(first_path))
        values = book.get_sheet_by_index(0).to_python()
        book.close()
        assert len(values) == rows + 1, len(values)

    results[IMPORT_FLOOR] = measure(read, runs)
    floor_ms = results[IMPORT_FLOOR]["median_ms"]
    results[IMPORT]["floor_ms"] = floor_ms
    results[IMPORT]["floor_ratio"] = round(results[IMPORT]["median_ms"] / floor_ms, 2)
    return results


def _targets(results):
    page, dashboard, imported = results[PAGE], results[DASHBOARD], results[IMPORT]
    cached = results[DASHBOARD_CACHED]
    checks = {
        f"report page < {TARGETS['report_ms']} ms": (page["median_ms"], TARGETS["report_ms"]),
        f"report page <= {TARGETS['report_floor_ratio']}x its floor": (
            page["floor_ratio"],
            TARGETS["report_floor_ratio"],
        ),
        f"import <= {TARGETS['import_floor_ratio']}x its read floor": (
            imported["floor_ratio"],
            TARGETS["import_floor_ratio"],
        ),
        f"dashboard (built) < {TARGETS['dashboard_ms']} ms": (
            dashboard["median_ms"],
            TARGETS["dashboard_ms"],
        ),
        f"dashboard (cached) < {TARGETS['dashboard_ms']} ms": (
            cached["median_ms"],
            TARGETS["dashboard_ms"],
        ),
    }
    return {
        name: {"value": value, "target": target, "holds": value <= target}
        for name, (value, target) in checks.items()
    }


def _print_table(results):
    header = (
        f"{'path':<46} {'median ms':>10} {'min':>8} {'max':>8} {'queries':>7} "
        f"{'peak MB':>7} {'rss+ MB':>7} {'floor ms':>9} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, r in results.items():

        def cell(key, width, result=r):
            value = result.get(key)
            return f"{'—' if value is None else value:>{width}}"

        print(
            f"{name:<46} {cell('median_ms', 10)} {cell('min_ms', 8)} {cell('max_ms', 8)} "
            f"{cell('queries', 7)} {cell('peak_traced_mb', 7)} {cell('maxrss_growth_mb', 7)} "
            f"{cell('floor_ms', 9)} {cell('floor_ratio', 6)}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument(
        "--years-series",
        default="",
        help="comma-separated years of history to rebuild and measure the report on (1,5,10)",
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--assessments",
        type=int,
        default=10,
        help="assessments per student in the earlier sessions (a multiple of 5)",
    )
    parser.add_argument("--small", action="store_true", help="CI: 1 year, 2000 rows, 1 run")
    parser.add_argument("--output", default=str(OUT / "scale.json"))
    args = parser.parse_args()
    if args.small:
        args.years, args.rows, args.runs, args.assessments = 1, 2000, 1, 5
        args.years_series = ""
    series = sorted({int(y) for y in args.years_series.split(",") if y.strip()} | {args.years})
    OUT.mkdir(parents=True, exist_ok=True)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    total_started = time.perf_counter()

    django_setup()
    import django
    from django.conf import settings
    from django.db import connection

    from demo.university import START_YEAR
    from sessions_app.models import ExamSession

    # As in production: no query log, templates cached, no test instrumentation of templates
    # (setup_test_environment is not called: it would copy every template context).
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    # The workbooks first (before this process grows): the import's first two sessions.
    for year in (START_YEAR + 1, START_YEAR + 1 + args.runs + 2):
        _workbook(args.rows, year)

    notes, series_rows, results, data = [], [], None, None
    vendor = connection.vendor
    if vendor != "postgresql":
        notes.append(f"{vendor}: no VACUUM ANALYZE; not the machine's production database")
    for years in series:
        with fresh_database():
            seed_seconds, vacuum_seconds = _seed(years, args.assessments)
            database = connection.settings_dict["NAME"]
            client = vice_rector_client()
            session = ExamSession.objects.filter(admissions__isnull=False).distinct().first()
            counts = _data()
            report, same = _report(session, client, args.runs)
            if not same:
                notes.append(f"{years} years: the floor query's figures differ from the report's")
            series_rows.append(
                {
                    "years": years,
                    **counts,
                    "seed_seconds": seed_seconds,
                    "vacuum_seconds": vacuum_seconds,
                    "floor_matches_report": same,
                    **{name: report[name]["median_ms"] for name in (PAGE, TABLES, REPORT_FLOOR)},
                }
            )
            if years == args.years:
                data = {**counts, "session": str(session), "seed_seconds": seed_seconds}
                results = dict(report)
                results.update(_full(session, client, args.runs, args.rows, START_YEAR + 1, notes))

    checks = _targets(results)
    report = {
        "database": vendor,
        "database_name": str(database),
        "cpus": os.cpu_count(),
        "loadavg_at_end": os.getloadavg(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "years": args.years,
        "assessments": args.assessments,
        "runs": args.runs,
        "rows": args.rows,
        "data": data,
        "memory": (
            "peak_traced_mb: tracemalloc peak of Python allocations during one more, untimed run; "
            "maxrss_growth_mb: growth of the process's ru_maxrss during the timed runs"
        ),
        "results": results,
        "targets": checks,
        "series": series_rows,
        "notes": notes,
        "total_seconds": round(time.perf_counter() - total_started, 1),
    }
    Path(args.output).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")

    print(
        f"{vendor} ({database}), {args.years} years, {args.assessments} assessments per student "
        f"in the earlier sessions: {data['sessions']} sessions, {data['admissions']} admissions, "
        f"{data['grades']} grades, {data['student_outcomes']} student outcomes"
    )
    print(
        f"seed_demo: {data['seed_seconds']} s; median of {args.runs} runs after a warm-up; "
        "peak MB: tracemalloc, one more run; rss+ MB: ru_maxrss growth over the timed runs"
    )
    _print_table(results)
    print()
    for name, check in checks.items():
        verdict = "yes" if check["holds"] else "NO"
        print(f"{name}: {check['value']} (target {check['target']}): {verdict}")
    if len(series_rows) > 1 or args.years_series:
        print("\nthe report against the years of history (median ms)")
        print(
            f"{'years':>5} {'sessions':>8} {'grades':>9} {'seed s':>7} {'page':>7} "
            f"{'tables':>7} {'floor':>7}"
        )
        for row in series_rows:
            print(
                f"{row['years']:>5} {row['sessions']:>8} {row['grades']:>9} "
                f"{row['seed_seconds']:>7} {row[PAGE]:>7} {row[TABLES]:>7} {row[REPORT_FLOOR]:>7}"
            )
    for note in notes:
        print("note:", note)
    print(f"total {report['total_seconds']} s; written to {args.output}")


if __name__ == "__main__":
    main()
