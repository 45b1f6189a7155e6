"""Benchmark of the vice-rector's dashboard on the demo university with years of history.

The budget (issue "dashboard"): the dashboard answers in under 500 ms of server time on the demo
university with five years of history, on PostgreSQL. Run it so:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_dashboard \\
        .venv/bin/python bench/dashboard.py [--years 5] [--runs 7]

As bench/report.py does, a fresh database test_<name> is created beside the configured one,
migrated, loaded with `manage.py seed_demo --history-years N` (N academic years of two exam
sessions each, about 12 000 students and 50 000 grades per session, through the results import),
measured and dropped. Without DATABASE_URL the run is on SQLite.

Measured, as the vice-rector through django.test.Client (server time: middleware, queries,
rendering), each the median of --runs runs after one warm-up:
- GET /dashboard/ with every session's stored figures current (the usual case);
- the same right after a grade was saved in the current session (its figures computed again);
- the same after a change to the academic structure (every session computed again: the worst
  case, once after such a change);
- with a form and a faculty chosen; a faculty's drill-down page; a group's students who owe;
each built on every request (PORTAL_DASHBOARD_MAX_AGE=0), and the dashboard once more as it runs
by default, its content cached for the freshness window; with the number of SQL queries of each.
The table is printed and written to var/bench/dashboard.json.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
BUDGET_MS = 500
sys.path.insert(0, str(ROOT))

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


def main():
    args = arguments(__doc__, "dashboard", years=5).parse_args()

    django_setup()
    from django.conf import settings
    from django.urls import reverse

    from academics.models import Faculty, StudyGroup
    from sessions_app import figures
    from sessions_app.models import Admission, ExamSession, Grade

    with demo_university(history_years=args.years) as seed_seconds:
        client = vice_rector_client()
        current = ExamSession.objects.filter(admissions__isnull=False).distinct().first()
        faculty = Faculty.objects.order_by("pk").first()
        group = StudyGroup.objects.filter(
            program__faculty=faculty, admissions__session=current
        ).first()
        url = reverse("reports:dashboard")

        def get(path, query=None, before=None):
            def fetch():
                if before is not None:
                    before()
                response = client.get(path, query or {})
                assert response.status_code == 200, response.status_code
                return response

            return fetch

        query = {"year": current.academic_year.start_year, "term": current.term}
        # Built on every request (no freshness window, no cached content) unless said otherwise.
        window = settings.DASHBOARD_FIGURES_MAX_AGE
        settings.DASHBOARD_FIGURES_MAX_AGE = 0
        results = {
            "dashboard, stored figures current": measure(get(url), args.runs),
            "dashboard, after a grade saved in the session": measure(
                get(url, before=lambda: figures.changed([current])), args.runs
            ),
            "dashboard, after a change of structure (all sessions)": measure(
                get(url, before=lambda: figures.changed()), args.runs
            ),
            "dashboard, day form of one faculty": measure(
                get(url, {**query, "form": "day", "faculty": faculty.pk}), args.runs
            ),
            "faculty drill-down (programs, groups)": measure(
                get(reverse("reports:dashboard_faculty", args=[faculty.pk]), query), args.runs
            ),
            "group drill-down (students who owe)": measure(
                get(reverse("reports:dashboard_group", args=[group.pk]), query), args.runs
            ),
        }
        settings.DASHBOARD_FIGURES_MAX_AGE = window or 15
        results["dashboard, content cached (freshness window)"] = measure(get(url), args.runs)
        data = {
            "sessions": ExamSession.objects.count(),
            "admissions": Admission.objects.count(),
            "grades": Grade.objects.count(),
        }
        measured = measured_database()

    usual = results["dashboard, stored figures current"]["median_ms"]
    report = write_report(
        args,
        measured,
        seed_seconds,
        data,
        results,
        budget_ms=BUDGET_MS,
        within_budget=usual < BUDGET_MS,
    )
    vendor, database = measured

    print(
        f"{vendor} ({database}), {args.years} years: {data['sessions']} sessions, "
        f"{data['admissions']} admissions, {data['grades']} grades"
    )
    print(f"seed_demo: {report['seed_seconds']} s; median of {args.runs} runs")
    print_results(results)
    print(f"within budget ({BUDGET_MS} ms):", "yes" if usual < BUDGET_MS else "NO")


if __name__ == "__main__":
    main()
