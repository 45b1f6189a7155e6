"""Benchmark of the students at risk at university scale: the definition and its page.

The budget (issue "students at risk"): the page of the whole university in under 500 ms of server
time on PostgreSQL. Run it so:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_atrisk \\
        .venv/bin/python bench/at_risk.py [--years 2] [--runs 7]

As bench/report.py does, a fresh database test_<name> is created beside the configured one,
migrated, loaded with `manage.py seed_demo --history-years N` (the demo university: 520 groups,
about 12 000 students; N academic years of two sessions each, about 50 000 grades a session, so
that the previous session of each student exists), measured and dropped. Without DATABASE_URL the
run is on SQLite.

Measured, each the median of --runs runs after one warm-up, first computed on every request
(AT_RISK_CACHE_SECONDS=0: the cost after any write to the data), then as the portal runs (the list
kept under the sessions' figures versions: the cost of every other request):
- students_at_risk() of the newest session after АКЖ, university-wide and of one faculty;
- the page, GET /reports/at-risk/ as the vice-rector (university-wide, then one faculty), and
  its Excel file;
- the dashboard built on every request (PORTAL_DASHBOARD_MAX_AGE=0), which counts them;
- the notices of one group, DOCX;
with the number of SQL queries of each. The table is printed and written to
var/bench/at_risk.json.
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

BUDGET_MS = 500


def main():
    args = arguments(__doc__, "at_risk", years=2).parse_args()

    django_setup()
    from django.conf import settings
    from django.urls import reverse

    from academics.models import Faculty
    from reports.at_risk.risk import count_by_level, students_at_risk
    from sessions_app.models import Admission, ExamSession, Grade

    with demo_university(history_years=args.years) as seed_seconds:
        client = vice_rector_client()
        session = ExamSession.objects.filter(admissions__isnull=False).distinct().first()
        faculty = Faculty.objects.order_by("pk").first()
        entries = students_at_risk(session)
        group = next(e.group for e in entries if e.faculty == faculty)
        url = reverse("reports:at_risk")

        def get(path, query=None):
            def fetch():
                response = client.get(path, query or {})
                assert response.status_code == 200, response.status_code
                return response

            return fetch

        settings.DASHBOARD_FIGURES_MAX_AGE = 0
        page = {"session": session.pk}
        notices = reverse("reports:at_risk_group_notices", args=[session.pk, group.pk, "docx"])
        cases = {
            "students_at_risk(), university": lambda: students_at_risk(session),
            "students_at_risk(), one faculty": lambda: students_at_risk(session, faculty=faculty),
            "page GET /reports/at-risk/, university": get(url, page),
            "page, one faculty": get(url, {**page, "faculty": faculty.pk}),
            "Excel file, university": get(url, {**page, "_export": "xlsx", "_table": "at-risk"}),
            "dashboard (counts them), built afresh": get(reverse("reports:dashboard")),
            "notices of one group, DOCX": get(notices),
        }
        # Computed on every request, then as it runs: kept under the sessions' figures versions.
        cached = settings.AT_RISK_CACHE_SECONDS
        settings.AT_RISK_CACHE_SECONDS = 0
        results = {f"{name} [computed]": measure(case, args.runs) for name, case in cases.items()}
        settings.AT_RISK_CACHE_SECONDS = cached or 600
        results.update(
            {f"{name} [cached]": measure(case, args.runs) for name, case in cases.items()}
        )
        data = {
            "sessions": ExamSession.objects.count(),
            "admissions": Admission.objects.count(),
            "grades": Grade.objects.count(),
            "students_at_risk": len(entries),
            "by_level": count_by_level(entries),
        }
        measured = measured_database()

    page_ms = results["page GET /reports/at-risk/, university [cached]"]["median_ms"]
    computed_ms = results["page GET /reports/at-risk/, university [computed]"]["median_ms"]
    report = write_report(
        args,
        measured,
        seed_seconds,
        data,
        results,
        budget_ms=BUDGET_MS,
        page_within_budget=page_ms < BUDGET_MS,
        page_computed_within_budget=computed_ms < BUDGET_MS,
    )
    vendor, database = measured

    print(
        f"{vendor} ({database}), {args.years} years: {data['sessions']} sessions, "
        f"{data['admissions']} admissions, {data['grades']} grades; "
        f"{data['students_at_risk']} students at risk {data['by_level']}"
    )
    print(f"seed_demo: {report['seed_seconds']} s; median of {args.runs} runs")
    print_results(results)
    print(f"page within budget ({BUDGET_MS} ms):", "yes" if page_ms < BUDGET_MS else "NO")
    print(
        f"page computed afresh within budget ({BUDGET_MS} ms):",
        "yes" if computed_ms < BUDGET_MS else "NO",
    )


if __name__ == "__main__":
    main()
