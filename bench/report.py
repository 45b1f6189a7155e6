"""Benchmark of the session report: the university-wide figures of the demo university.

The budget (issue "session report"): the page of the whole university — every faculty, both
forms, both stages — in under 300 ms on PostgreSQL. Run it so:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_report \\
        .venv/bin/python bench/report.py

The configured database itself is not touched: as the test runner does, a fresh database named
test_<name> (here test_portal_bench_report) is created beside it, migrated, loaded with
`manage.py seed_demo` (the demo university: 520 groups, about 12 000 students, its summer session
2023-2024 with about 50 000 grades), measured and dropped. Without DATABASE_URL the run is on
SQLite (the test database file of the settings).

Measured, each the median of --runs runs (default 7) after one warm-up run:
- the four achievement() calls the page makes (day / extramural × before / after АКЖ, by faculty),
  one by one and together, and for comparison one call per stage over both forms;
- the page itself, GET /reports/session/ through django.test.Client as the vice-rector (the four
  calls, the session list, the user's roles, the rendering);
- the Excel export and the API (university-wide, by faculty), for comparison;
with the number of SQL queries of each. --explain prints EXPLAIN ANALYZE of the slowest
achievement() query (PostgreSQL). The table is printed and written to var/bench/report.json.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    arguments,
    demo_university,
    django_setup,
    measure,
    measured_database,
    print_results,
    vice_rector_client,
    write_report,
)

BUDGET_MS = 300


def main():
    parser = arguments(__doc__, "report")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE (PostgreSQL)")
    args = parser.parse_args()

    django_setup()
    from django.db import connection
    from django.urls import reverse

    from academics.choices import StudyForm
    from reports.achievement import Stage, achievement
    from sessions_app.models import Admission, ExamSession, Grade

    with demo_university() as seed_seconds:
        session = ExamSession.objects.filter(admissions__isnull=False).distinct().first()
        client = vice_rector_client()
        page_url = reverse("reports:session_report")
        export_url = reverse("reports:session_report_xlsx")
        api_url = reverse("api:achievement")
        api_query = {
            "year": session.academic_year.name,
            "term": session.term,
            "stage": "after",
        }

        def get(url, query=None):
            def fetch():
                response = client.get(url, query or {})
                assert response.status_code == 200, response.status_code
                return response

            return fetch

        results = {}
        calls = [(form, stage) for form in StudyForm.values for stage in Stage.VALUES]
        for form, stage in calls:
            results[f"achievement {form} {stage}"] = measure(
                lambda form=form, stage=stage: achievement(session, stage, form=form), args.runs
            )
        # For comparison: one call over both forms costs about what one form costs (the grade
        # aggregation is the bulk, whatever the form), so a faculty × form scope would halve it.
        for stage in Stage.VALUES:
            results[f"achievement both forms {stage}"] = measure(
                lambda stage=stage: achievement(session, stage), args.runs
            )
        results["achievement ×4 (the page's figures)"] = measure(
            lambda: [achievement(session, stage, form=form) for form, stage in calls], args.runs
        )
        results["page GET /reports/session/"] = measure(get(page_url), args.runs)
        results["export GET /reports/session/export.xlsx"] = measure(get(export_url), args.runs)
        results["API GET /api/reports/achievement/"] = measure(get(api_url, api_query), args.runs)

        explain = None
        if args.explain and connection.vendor == "postgresql":
            slowest = max(
                (name for name in results if name.startswith("achievement ") and "×" not in name),
                key=lambda name: results[name]["median_ms"],
            )
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + results[slowest]["sql"][0])
                explain = {"query": slowest, "plan": [row[0] for row in cursor.fetchall()]}

        data = {
            "admissions": Admission.objects.count(),
            "grades": Grade.objects.count(),
            "session": str(session),
        }
        measured = measured_database()

    page_ms = results["page GET /reports/session/"]["median_ms"]
    report = write_report(
        args,
        measured,
        seed_seconds,
        data,
        results,
        budget_ms=BUDGET_MS,
        page_within_budget=page_ms < BUDGET_MS,
        **({"explain": explain} if explain else {}),
    )
    vendor, database = measured

    print(f"{vendor} ({database}), {data['admissions']} admissions, {data['grades']} grades")
    print(f"seed_demo: {report['seed_seconds']} s; median of {args.runs} runs")
    print_results(results)
    if explain:
        print(f"\nEXPLAIN ANALYZE of {explain['query']}:")
        print("\n".join(explain["plan"]))
    if vendor == "postgresql":
        print(f"page within budget ({BUDGET_MS} ms):", "yes" if page_ms < BUDGET_MS else "NO")


if __name__ == "__main__":
    main()
