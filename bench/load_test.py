"""Load test: 50 concurrent users for 60 s on PostgreSQL under gunicorn, on the loopback.

The budget (issue "production-ready"): vice-rectors reading the dashboard and the session report
and dean's offices saving grade sheets, 50 at once for 60 seconds — no errors, p95 under 500 ms.
Run it so:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_load .venv/bin/python bench/load_test.py

(locust comes with `pip install -c constraints.txt -e .[bench]`.) As bench/report.py does, a fresh
database test_<name> is created beside the configured one, migrated and loaded with the demo
university (`seed_demo`: the summer session 2023-2024 and the session a year before), then
gunicorn serves the portal from it with production settings (DJANGO_DEBUG=0; HTTPS left to the
reverse proxy, which the loopback has not) and locust (bench/locustfile.py) runs headless for
--seconds with --users users. The figures are printed and written to var/bench/load.json (and
locust's CSV files var/bench/load_*.csv); docs/performance.md keeps the measured ones. The
database is dropped at the end.
"""

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
sys.path.insert(0, str(ROOT))

from bench.common import django_setup, fresh_database, load_demo  # noqa: E402

BUDGET_MS = 500
PASSWORD = "load-test-" + secrets.token_urlsafe(12)


def _make_users(deans, rectors):
    """Dean's office accounts, each with a draft main-attempt exam sheet of its faculty's own, and
    vice-rector accounts, each already signed in: the test measures the work of the day, not 50
    password hashes at once (PBKDF2 costs about half a second of CPU each, by design)."""
    from django.contrib.auth.models import Group, User

    from academics import roles
    from academics.models import UserProfile
    from sessions_app.models import Assessment, ExamSession

    session = ExamSession.objects.filter(admissions__isnull=False).distinct().first()
    assessments = list(
        Assessment.objects.filter(session=session, kind="exam", group__students__isnull=False)
        # Every cell is saved with a passing grade: none may hold an АКЖ grade, which a passing
        # main grade would leave owed by nobody (sessions_app.rules).
        .exclude(grades__attempt="retake")
        .select_related("group__program")
        .distinct()
        .order_by("group__program__faculty_id", "pk")
    )
    by_faculty = {}
    for assessment in assessments:
        by_faculty.setdefault(assessment.group.program.faculty_id, []).append(assessment)
    faculties = sorted(by_faculty)
    dean_role = Group.objects.get(name=roles.DEAN_OFFICE)
    rector_role = Group.objects.get(name=roles.VICE_RECTOR)
    accounts = {"password": PASSWORD, "deans": [], "rectors": []}
    for n in range(deans):
        faculty = faculties[n % len(faculties)]
        assessment = by_faculty[faculty][n // len(faculties)]
        user = User.objects.create_user(f"load-dean-{n}", password=PASSWORD)
        user.groups.add(dean_role)
        UserProfile.objects.create(user=user, faculty_id=faculty)
        accounts["deans"].append({"session": _signed_in(user), "assessment": assessment.pk})
    for n in range(rectors):
        user = User.objects.create_user(f"load-rector-{n}", password=PASSWORD)
        user.groups.add(rector_role)
        accounts["rectors"].append({"session": _signed_in(user)})
    return accounts


def _signed_in(user):
    """A session key of `user`, as a login would have made it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds} s")


def _read_stats(prefix):
    rows = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": float(row["Median Response Time"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "max_ms": float(row["Max Response Time"]),
                "rps": float(row["Requests/s"]),
            }
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--history-years", type=int, default=2)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    # One secret for this process and gunicorn: the sessions signed in here must be valid there.
    os.environ["DJANGO_SECRET_KEY"] = secret = secrets.token_urlsafe(50)
    django_setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The load test runs on PostgreSQL: set DATABASE_URL (see the first lines).")
    with fresh_database():
        server = None
        try:
            seed_seconds, _vacuum = load_demo(history_years=args.history_years)
            accounts = _make_users(deans=args.users, rectors=args.users)
            users_file = OUT / "load-users.json"
            users_file.write_text(json.dumps(accounts))
            settings_dict = connection.settings_dict
            user, host = settings_dict["USER"] or "postgres", settings_dict["HOST"] or "127.0.0.1"
            port, name = settings_dict["PORT"] or 5432, settings_dict["NAME"]
            database_url = f"postgres://{user}@{host}:{port}/{name}"
            connection.close()
            env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": secret,
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                # TLS ends at the reverse proxy in production; the loopback has none.
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_SECURE_COOKIES": "0",
                "PORTAL_BEHIND_PROXY": "0",
                "GUNICORN_BIND": f"127.0.0.1:{args.port}",
                "GUNICORN_WORKERS": str(args.workers),
            }
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT,
                env=env,
                check=True,
            )
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "portal.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{args.port}",
                    "--workers",
                    str(args.workers),
                    "--access-logfile",
                    "-" if os.environ.get("LOAD_ACCESS_LOG") else "/dev/null",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(OUT / "load-gunicorn.log", "w"),
            )
            host = f"http://127.0.0.1:{args.port}"
            _wait_for(f"{host}/accounts/login/")
            prefix = str(OUT / "load")
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(args.users),
                    "--spawn-rate",
                    str(args.spawn_rate),
                    "--run-time",
                    f"{args.seconds}s",
                    "--stop-timeout",
                    "10",
                    "--host",
                    host,
                    "--csv",
                    prefix,
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env={**os.environ, "PORTAL_LOAD_USERS": str(users_file)},
                check=False,
                timeout=args.seconds + 120,
            )
            stats = _read_stats(prefix)
        finally:
            if server is not None:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)

    total = stats.pop("Aggregated")
    report = {
        "database": "postgresql",
        "cpus": os.cpu_count(),
        "gunicorn_workers": args.workers,
        "users": args.users,
        "seconds": args.seconds,
        "seed_seconds": round(seed_seconds, 1),
        "total": total,
        "requests": stats,
        "budget_p95_ms": BUDGET_MS,
        "within_budget": total["failures"] == 0 and total["p95_ms"] < BUDGET_MS,
    }
    (OUT / "load.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    width = max(len(name) for name in stats)
    print(
        f"{args.users} users, {args.seconds} s, gunicorn with {args.workers} workers, "
        f"{os.cpu_count()} CPUs, PostgreSQL"
    )
    print(
        f"{'':<{width}}  {'requests':>8}  {'fail':>4}  {'median':>6}  {'p95':>6}  {'p99':>6}"
        f"  {'max':>6}"
    )
    for name, row in [*stats.items(), ("all", total)]:
        print(
            f"{name:<{width}}  {row['requests']:>8}  {row['failures']:>4}  {row['median_ms']:>6.0f}"
            f"  {row['p95_ms']:>6.0f}  {row['p99_ms']:>6.0f}  {row['max_ms']:>6.0f}"
        )
    print(
        f"throughput {total['rps']:.1f} requests/s; no errors and p95 under {BUDGET_MS} ms:",
        "yes" if report["within_budget"] else "NO",
    )


if __name__ == "__main__":
    main()
