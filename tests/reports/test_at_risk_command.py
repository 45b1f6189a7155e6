"""`manage.py at_risk`: the JSON document's exact shape and order, the faculty by its code, the
text and the workbook, and bad arguments stopped with a message and status 1."""

import json
import subprocess
import sys
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from reports.at_risk.risk import students_at_risk
from tests import factories
from tests.reports.test_at_risk import World

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def w():
    world = World()
    world.high = world.student("Өмүрбекова Айгерим")
    world.low = world.student("Асанов Бакыт")
    world.grades(world.previous, world.high, ("5", "4", "4", "5", "pass"))  # 4.5
    world.grades(world.session, world.high, ("2", "absent", "2", "5", "pass"))  # 2.75
    world.grades(world.previous, world.low, ("5", "5", "5", "4", "pass"))
    world.grades(world.session, world.low, ("3", "4", "3", "3", "pass"))
    world.other_faculty = factories.faculty(name="Экономика", code="ebf")
    group = factories.group(program=factories.program(faculty=world.other_faculty), name="Эк-1")
    world.other = world.student("Бекова Чолпон", group)
    world.grades(world.session, world.other, ("2", "5", "5", "5", "pass"), group=group)
    return world


def _run(*args):
    out = StringIO()
    call_command("at_risk", *args, stdout=out)
    return out.getvalue()


def test_the_json_is_exactly_the_documented_shape_in_the_definitions_order(w):
    document = json.loads(_run("--year", "2023-2024", "--term", "2", "--format", "json"))
    assert document == {
        "year": "2023-2024",
        "term": 2,
        "stage": "after",
        "students": [
            {
                "student_id": w.high.record_book,
                "name": "Өмүрбекова Айгерим",
                "group": w.group.name,
                "faculty": "Энергетика",
                "level": "high",
                "reasons": ["owes_3_plus", "falling_average"],
            },
            {
                "student_id": w.other.record_book,
                "name": "Бекова Чолпон",
                "group": "Эк-1",
                "faculty": "Экономика",
                "level": "medium",
                "reasons": ["owes"],
            },
            {
                "student_id": w.low.record_book,
                "name": "Асанов Бакыт",
                "group": w.group.name,
                "faculty": "Энергетика",
                "level": "low",
                "reasons": ["falling_average"],
            },
        ],
    }
    expected = [e.student.record_book for e in students_at_risk(w.session)]
    assert [s["student_id"] for s in document["students"]] == expected


def test_the_faculty_by_its_code_and_the_stage(w):
    document = json.loads(
        _run("--year", "2023-2024", "--term", "2", "--faculty", "ebf", "--format", "json")
    )
    assert [s["name"] for s in document["students"]] == ["Бекова Чолпон"]
    before = json.loads(
        _run("--year", "2023-2024", "--term", "2", "--stage", "before", "--format", "json")
    )
    assert before["stage"] == "before"


def test_the_text_names_each_student_and_each_reason(w):
    text = _run("--year", "2023-2024", "--term", "2")
    lines = text.splitlines()
    assert len(lines) == 1 + 3 + 4  # a title, three students, four reasons
    assert "Өмүрбекова Айгерим" in lines[1] and w.high.record_book in lines[1]
    assert lines[2].startswith("    - ")


def test_the_workbook_has_the_pages_rows(w, tmp_path):
    path = tmp_path / "at-risk.xlsx"
    call_command(
        "at_risk", "--year", "2023-2024", "--term", "2", "--format", "xlsx",
        "--output", str(path), verbosity=0,
    )  # fmt: skip
    rows = list(load_workbook(BytesIO(path.read_bytes())).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["Өмүрбекова Айгерим", "Бекова Чолпон", "Асанов Бакыт"]
    assert rows[1][2] == w.high.record_book


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2023", "--term", "2"], "--year"),
        (["--year", "2023-2024", "--term", "3"], "--term"),
        (["--year", "2030-2031", "--term", "2"], "2030-2031"),
        (["--year", "2023-2024", "--term", "2", "--faculty", "nope"], "nope"),
        (["--year", "2023-2024", "--term", "2", "--format", "xlsx"], "--output"),
    ],
)
def test_bad_arguments_stop_with_a_message(w, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)


def test_a_bad_argument_exits_with_status_1():
    result = subprocess.run(
        [sys.executable, "manage.py", "at_risk", "--year", "2023", "--term", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "--year" in result.stderr
