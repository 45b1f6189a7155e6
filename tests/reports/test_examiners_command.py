"""`manage.py examiner_report`: the JSON of every examiner × discipline tested, exactly its keys
and types, flagged first; bad arguments stop it with a message and exit status 1."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.examiners.method import analyse
from reports.management.commands.examiner_report import Command
from tests import factories
from tests.reports.test_examiners_method import EXAMINERS, PLANTED, planted_session

pytestmark = pytest.mark.django_db

ROW_KEYS = [
    "examiner",
    "discipline",
    "students",
    "mean_given",
    "mean_expected",
    "difference",
    "p_value",
    "flagged",
]


def run(*args):
    out = io.StringIO()
    call_command("examiner_report", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_the_json_has_exactly_the_promised_shape():
    session, examiners = planted_session(PLANTED)
    payload = run("--year", "2023-2024", "--term", "2", "--format", "json")
    assert list(payload) == ["year", "term", "examiners"]
    assert (payload["year"], payload["term"]) == ("2023-2024", 2)
    assert len(payload["examiners"]) == EXAMINERS
    for row in payload["examiners"]:
        assert list(row) == ROW_KEYS
        assert isinstance(row["examiner"], str) and isinstance(row["discipline"], str)
        assert isinstance(row["students"], int) and isinstance(row["flagged"], bool)
        for key in ("mean_given", "mean_expected", "difference", "p_value"):
            assert isinstance(row[key], float)
    flagged = [row["examiner"] for row in payload["examiners"] if row["flagged"]]
    assert sorted(flagged) == sorted(examiners[n].full_name for n in PLANTED)
    assert [row["flagged"] for row in payload["examiners"][:4]] == [True] * 4


def test_the_numbers_are_the_methods_rounded():
    session, _examiners = planted_session(PLANTED)
    first = analyse(session).results[0]
    row = run("--year", "2023-2024", "--term", "2")["examiners"][0]
    assert row["examiner"] == first.examiner
    assert row["mean_given"] == round(first.mean_given, 2)
    assert row["difference"] == pytest.approx(first.difference, abs=0.005)
    assert row["p_value"] == pytest.approx(first.p_value, rel=0.005)


def test_a_session_with_no_pair_tested_gives_an_empty_list():
    factories.exam_session(term=1)
    assert run("--year", "2023-2024", "--term", "1") == {
        "year": "2023-2024",
        "term": 1,
        "examiners": [],
    }


def test_bad_arguments_say_what_is_wrong():
    planted_session({})
    with pytest.raises(CommandError, match="--year"):
        call_command("examiner_report", "--year", "2023", "--term", "2")
    with pytest.raises(CommandError, match="--term"):
        call_command("examiner_report", "--year", "2023-2024", "--term", "5")
    with pytest.raises(CommandError, match="2019-2020"):
        call_command("examiner_report", "--year", "2019-2020", "--term", "2")


def test_the_exit_status_is_one(capsys):
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(
            ["manage.py", "examiner_report", "--year", "1990-1991", "--term", "2"]
        )
    assert exit_.value.code == 1
    assert "1990-1991" in capsys.readouterr().err
