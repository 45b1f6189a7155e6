"""bench/scale.py at its CI scale (--small) runs through and writes every figure; and the demo's
earlier sessions with ten assessments per student, which it loads at full scale."""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from demo.history import build_history_rows
from demo.university import START_YEAR
from sessions_app.importer import import_rows
from sessions_app.models import Assessment, ExamSession
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
PATHS = (
    "report page GET /reports/session/",
    "report achievement_tables()",
    "report floor: one SQL query over the grades",
    "dashboard, built on every request",
    "dashboard, content cached (default)",
    "save a 30-student sheet (record_grades)",
    "resolution PDF (build_document + render_pdf)",
    "import_results",
    "import floor: calamine reads the workbook",
)


def test_the_small_run_writes_every_path(tmp_path):
    output = tmp_path / "scale.json"
    # SQLite whatever the suite runs on: the script makes its own test database beside this one.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "bench/scale.py", "--small", "--output", str(output)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(output.read_text())
    assert set(PATHS) <= set(report["results"])
    for name in PATHS:
        figures = report["results"][name]
        assert figures["median_ms"] > 0, name
        assert figures["min_ms"] <= figures["median_ms"] <= figures["max_ms"], name
    for name in ("report page GET /reports/session/", "import_results"):
        assert report["results"][name]["floor_ratio"] > 0, name
    assert report["results"]["save a 30-student sheet (record_grades)"]["queries"] > 0
    assert report["data"]["grades"] > 0
    assert report["series"][0]["floor_matches_report"] is True
    assert set(report["targets"]) and all(
        isinstance(check["holds"], bool) for check in report["targets"].values()
    )
    assert report["results"]["import_results"]["peak_traced_mb"] > 0


@pytest.mark.django_db
def test_earlier_sessions_with_ten_assessments_per_student():
    year = factories.academic_year(START_YEAR)
    for n in range(12):
        factories.discipline(name=f"Сабак {n}")
    group = factories.group(academic_year=year, name="ПИ-1-23")
    for _ in range(30):
        factories.student(group=group)
    with pytest.raises(ValueError):
        build_history_rows(START_YEAR - 1, 2, assessments=7)
    rows = build_history_rows(START_YEAR - 1, 2, assessments=10)
    assert rows == build_history_rows(START_YEAR - 1, 2, assessments=10)
    main = Counter(row["student_id"] for row in rows if row["attempt"] == "main")
    assert set(main.values()) == {10}
    # The first five are those of the default draw (four exams and a credit).
    default = build_history_rows(START_YEAR - 1, 2)
    assert {r["discipline"] for r in default} < {r["discipline"] for r in rows}
    assert import_rows(rows).ok
    session = ExamSession.objects.get(academic_year__start_year=START_YEAR - 1, term=2)
    kinds = Counter(Assessment.objects.filter(session=session).values_list("kind", flat=True))
    assert kinds == {"exam": 8, "credit": 2}
