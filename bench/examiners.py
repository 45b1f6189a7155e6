"""Benchmark of the examiners page (reports.examiners) on the demo university.

The budget (issue 18, item 7): the page answers in under 500 ms of server time at university
scale. Run it so:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_examiners \\
        .venv/bin/python bench/examiners.py [--years 1] [--runs 7]

As bench/report.py does, a fresh database test_<name> is created beside the configured one,
migrated, loaded with `manage.py seed_demo --history-years N` (the demo session: about 12 000
students and 48 000 grades, every assessment with its examiner), measured and dropped. Without
DATABASE_URL the run is on SQLite. The page reads one session, so earlier years only make the
tables larger.

Measured, as the vice-rector through django.test.Client (server time: middleware, queries,
rendering), each the median of --runs runs after one warm-up: the page of the demo session with
the first flagged pair drawn; with a pair that is not flagged; its Excel file; and the method
alone (reports.examiners.method.analyse); with the number of SQL queries of each. The table is
printed and written to var/bench/examiners.json.
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
    args = arguments(__doc__, "examiners", years=1).parse_args()

    django_setup()
    from django.urls import reverse

    from reports.achievement import report_sessions
    from reports.examiners.method import analyse
    from sessions_app.models import Grade

    with demo_university(history_years=args.years) as seed_seconds:
        client = vice_rector_client()
        session = next(s for s in report_sessions() if s.has_data)
        analysis = analyse(session)
        fair = next(r for r in reversed(analysis.results) if not r.flagged)
        url = reverse("reports:examiners")

        def get(query):
            def fetch():
                response = client.get(url, query)
                assert response.status_code == 200, response.status_code
                return response

            return fetch

        results = {
            "page, the first flagged pair drawn": measure(get({}), args.runs),
            "page, a pair not flagged drawn": measure(
                get({"session": session.pk, "pair": fair.key}), args.runs
            ),
            "Excel file of the list": measure(
                get({"session": session.pk, "_export": "xlsx", "_table": "examiners"}), args.runs
            ),
            "the method alone (analyse)": measure(lambda: analyse(session), args.runs),
        }
        data = {
            "grades": Grade.objects.count(),
            "session_grades": Grade.objects.filter(assessment__session=session).count(),
            "pairs_tested": analysis.tested,
            "flagged": sum(1 for r in analysis.results if r.flagged),
        }
        measured = measured_database()

    page = results["page, the first flagged pair drawn"]["median_ms"]
    report = write_report(
        args,
        measured,
        seed_seconds,
        data,
        results,
        budget_ms=BUDGET_MS,
        within_budget=page < BUDGET_MS,
    )
    vendor, database = measured

    print(
        f"{vendor} ({database}): {data['session_grades']} grades in the session, "
        f"{data['pairs_tested']} pairs tested, {data['flagged']} flagged"
    )
    print(f"seed_demo: {report['seed_seconds']} s; median of {args.runs} runs")
    print_results(results)
    print(f"within budget ({BUDGET_MS} ms):", "yes" if page < BUDGET_MS else "NO")


if __name__ == "__main__":
    main()
