"""What the benchmarks share: Django set up from the checkout, a fresh database beside the
configured one (as the test runner makes it) with the demo university loaded and analysed, a
signed-in vice-rector, and medians of timed runs."""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"


def django_setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


@contextmanager
def fresh_database():
    """test_<name> beside the configured database, migrated; dropped at the end."""
    from django.test.utils import setup_databases, teardown_databases

    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        teardown_databases(old_config, verbosity=0)


def load_demo(**options):
    """`manage.py seed_demo` with `options`, then on PostgreSQL VACUUM ANALYZE, as autovacuum
    leaves tables that have settled (statistics and hint bits in place). Returns (seconds of
    the seed, seconds of the VACUUM or None)."""
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("seed_demo", verbosity=0, **options)
    seed_seconds = time.perf_counter() - started
    if connection.vendor != "postgresql":
        return seed_seconds, None
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return seed_seconds, time.perf_counter() - started


def arguments(doc, name, years=None, runs=7):
    """The parser of a benchmark's options that every one takes — --years (the demo's academic
    years of history, where it loads them), --runs, --output (var/bench/<name>.json) — for the
    caller to add its own to before parse_args()."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    if years is not None:
        parser.add_argument("--years", type=int, default=years)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--output", default=str(OUT / f"{name}.json"))
    OUT.mkdir(parents=True, exist_ok=True)
    return parser


@contextmanager
def demo_university(**options):
    """As production runs (DEBUG off: no query log kept, templates cached), a fresh database
    with the demo university loaded (load_demo(**options)), dropped at the end; yields the
    seconds of the seed. Call django_setup() first."""
    from django.conf import settings
    from django.test.utils import setup_test_environment

    settings.DEBUG = False
    setup_test_environment(debug=False)
    with fresh_database():
        seed_seconds, _vacuum = load_demo(**options)
        yield seed_seconds


def vice_rector_client():
    """A django.test.Client signed in as a vice-rector."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from academics import roles

    rector = User.objects.create_user("bench-rector", password=None)
    rector.groups.add(Group.objects.get(name=roles.VICE_RECTOR))
    client = Client()
    client.force_login(rector)
    return client


def measure(function, runs):
    """(median ms, min ms, max ms, queries of the last run) of `function()` over `runs` runs,
    after one warm-up run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            function()
            times.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(times), 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
        "queries": len(queries),
        "sql": [q["sql"] for q in queries.captured_queries],
    }


def measured_database():
    """(vendor, name) of the database measured: read inside demo_university, before it is
    dropped."""
    from django.db import connection

    return connection.vendor, str(connection.settings_dict["NAME"])


def write_report(args, measured, seed_seconds, data, results, **extra):
    """The JSON document every benchmark writes to args.output — the machine, the versions, the
    runs (and --years where the benchmark has it), the data, the results without their SQL —
    with `extra` (its budget and verdicts); returned."""
    import django

    vendor, name = measured
    report = {
        "database": vendor,
        "database_name": name,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "runs": args.runs,
        **({"years": args.years} if hasattr(args, "years") else {}),
        "seed_seconds": round(seed_seconds, 1),
        "data": data,
        "results": {
            name: {k: v for k, v in result.items() if k != "sql"}
            for name, result in results.items()
        },
        **extra,
    }
    Path(args.output).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return report


def print_results(results, columns=("median_ms", "min_ms", "max_ms", "queries")):
    """The results as an aligned table, one row a measurement, the named columns."""
    width = max(len(name) for name in results)
    headings = [column.replace("_", " ") for column in columns]
    sizes = [max(7, len(heading)) for heading in headings]
    print(f"{'':<{width}}  " + "  ".join(f"{h:>{n}}" for h, n in zip(headings, sizes, strict=True)))
    for name, result in results.items():
        cells = "  ".join(f"{result[c]!s:>{n}}" for c, n in zip(columns, sizes, strict=True))
        print(f"{name:<{width}}  {cells}")
