"""`manage.py achievement_report`: JSON as the API gives it, an aligned text table, the page's
workbook; bad arguments stop it with a message and a non-zero exit status."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from reports.achievement import By, Stage, achievement
from reports.api import achievement_payload
from reports.management.commands.achievement_report import Command
from tests.reports.test_achievement import world  # noqa: F401  (a fixture)
from tests.reports.test_exports import download, sheet_rows
from tests.reports.test_session_report_views import report_world  # noqa: F401  (a fixture)

# The fixtures imported from the other test modules are used as parameters.
# ruff: noqa: F811

pytestmark = pytest.mark.django_db

ARGS = ["--year", "2023-2024", "--term", "2"]


def run(*args):
    out = io.StringIO()
    call_command("achievement_report", *ARGS, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_is_the_api_payload(report_world):
    data = json.loads(run("--stage", "after", "--format", "json"))
    assert data == achievement_payload(report_world["session"], Stage.AFTER)
    assert data["by"] == "faculty" and data["form"] is None


def test_json_by_university_of_one_form(report_world):
    data = json.loads(
        run("--stage", "before", "--form", "day", "--by", "university", "--format", "json")
    )
    row = achievement(report_world["session"], Stage.BEFORE, By.UNIVERSITY, form="day")[0]
    assert len(data["rows"]) == 1
    assert data["rows"][0]["contingent"] == row.contingent == 14
    assert data["rows"][0]["absolute_pct"] == float(row.absolute_pct)


def test_text_is_an_aligned_table(report_world):
    text = run("--stage", "before")
    lines = text.splitlines()
    header, rule, *body = lines[1:]
    assert header.split()[:3] == ["scope", "contingent", "budget"]
    assert header.split()[-2:] == ["absolute_pct", "quality_pct"]
    # Every line is as long as the heading's: the columns line up.
    widths = {len(line) for line in [header, rule, *body]}
    assert len(widths) == 1, lines
    rows = achievement(report_world["session"], Stage.BEFORE, By.FACULTY)
    for row in rows:
        line = next(line for line in body if line.startswith(row.scope))
        assert line.split()[-2:] == [f"{row.absolute_pct:.2f}", f"{row.quality_pct:.2f}"]
    assert body[-1].split()[0] == "total"


def test_text_to_a_file(report_world, tmp_path):
    target = tmp_path / "report.txt"
    assert run("--stage", "after", "--by", "group", "--output", str(target)) == ""
    content = target.read_text(encoding="utf-8")
    assert "ЭЭ-1-23" in content and "АР-1-23" in content


def test_xlsx_is_the_pages_workbook(report_world, tmp_path):
    target = tmp_path / "report.xlsx"
    run("--stage", "after", "--format", "xlsx", "--output", str(target))
    written = load_workbook(target)
    _response, downloaded = download(report_world["rector"], stage="after")
    assert written.sheetnames == downloaded.sheetnames
    for name in written.sheetnames:
        assert sheet_rows(written[name]) == sheet_rows(downloaded[name])
        assert written[name]["A1"].value == downloaded[name]["A1"].value
    one_form = tmp_path / "day.xlsx"
    run("--stage", "after", "--form", "day", "--format", "xlsx", "--output", str(one_form))
    assert len(load_workbook(one_form).sheetnames) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stage", "before", "--format", "xlsx"], "--output"),
        (["--stage", "before", "--format", "xlsx", "--by", "group", "--output", "x"], "--by"),
        (["--stage", "after", "--form", "night"], "form"),
        (["--stage", "later"], "stage"),
    ],
)
def test_bad_arguments_say_what_is_wrong(report_world, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_a_bad_year_or_an_unknown_session(report_world):
    with pytest.raises(CommandError, match="--year"):
        call_command("achievement_report", "--year", "2023", "--term", "2", "--stage", "after")
    with pytest.raises(CommandError, match="--term"):
        call_command("achievement_report", "--year", "2023-2024", "--term", "5", "--stage", "after")
    with pytest.raises(CommandError, match="2019-2020"):
        call_command("achievement_report", "--year", "2019-2020", "--term", "2", "--stage", "after")


def test_the_exit_status_is_not_zero(report_world, capsys):
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(
            [
                "manage.py",
                "achievement_report",
                "--year",
                "1990-1991",
                "--term",
                "2",
                "--stage",
                "after",
            ]
        )
    assert exit_.value.code == 1
    assert "1990-1991" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["manage.py", "achievement_report", "--year", "2023-2024"])
    assert exit_.value.code == 2
    assert "--term" in capsys.readouterr().err
