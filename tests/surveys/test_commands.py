"""`import_survey` and `survey_results`: the command line's import and the shares as JSON/text."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from surveys import results
from surveys.models import Response, Survey

from .exports import SCALE_Q, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

TITLE = "Студенттердин көз карашы менен 2024"


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "Сурамжылоо (жооптор).csv"
    path.write_bytes(csv_bytes())
    return path


def test_import_survey_command_imports_once(export):
    out = run(
        "import_survey",
        str(export),
        "--title",
        TITLE,
        "--about",
        "exam_session",
        "--year",
        "2023-2024",
        "--term",
        "2",
    )
    assert "14 answers imported, 0 already there" in out
    survey = Survey.objects.get(title=TITLE)
    assert (survey.about, survey.academic_year.name, survey.term) == (
        "exam_session",
        "2023-2024",
        2,
    )
    out = run("import_survey", str(export), "--title", TITLE)
    assert "0 answers imported, 14 already there" in out
    assert Response.objects.count() == 14


def test_import_survey_command_refuses_a_broken_file_and_writes_nothing(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(xlsx_bytes(header=("Аты-жөнү", "Суроо 1", "Суроо 2", "Суроо 3", "Суроо 4")))
    with pytest.raises(CommandError) as refused:
        run("import_survey", str(path), "--title", TITLE)
    assert "Nothing was imported" in str(refused.value)
    assert "“broken.xlsx”, row 1, column A" in str(refused.value)
    assert not Survey.objects.exists()


def test_import_survey_command_refuses_a_bad_year(export):
    with pytest.raises(CommandError, match="2023-2024"):
        run("import_survey", str(export), "--title", TITLE, "--year", "2023")
    assert not Survey.objects.exists()


def test_survey_results_json_is_the_results_document(export):
    run("import_survey", str(export), "--title", TITLE)
    printed = json.loads(run("survey_results", "--title", TITLE, "--format", "json"))
    assert printed == results.as_json_ready(results.survey_results(Survey.objects.get()))
    assert printed["title"] == TITLE
    assert printed["responses"] == 14
    scale = printed["questions"][0]
    assert scale["text"] == SCALE_Q
    assert scale["answered"] == 13
    assert scale["answers"][0] == {"option": "Эң жакшы", "count": 5, "pct": 38.46}
    assert set(scale) == {"text", "kind", "answered", "answers"}
    # Free text: counted, no shares, and its answers stay out of the JSON.
    assert printed["questions"][3]["answers"] == []
    assert printed["questions"][3]["answered"] == 12
    assert "Баары жакшы" not in json.dumps(printed, ensure_ascii=False)


def test_survey_results_text(export):
    run("import_survey", str(export), "--title", TITLE)
    out = run("survey_results", "--title", TITLE, "--format", "text", "--language", "ky")
    assert SCALE_Q in out
    assert "38,46% — Эң жакшы, 38,46% — Жакшы, 7,69% — Канааттандырарлык" in out


def test_survey_results_unknown_title():
    with pytest.raises(CommandError, match="no survey"):
        run("survey_results", "--title", "Жок", "--language", "en")
