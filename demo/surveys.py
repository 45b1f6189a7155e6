"""The demo university's surveys: "Through students' eyes" of the summer session 2023-2024, with
the seed report's shares (34% эң жакшы, 53% жакшы, 7% канааттандырарлык, 3% жаман, 3% өтө
жаман; 77% жок, 23% ооба), loaded as a Google Forms export through the survey import, as the
academic department would load theirs. Run again, it adds what is missing; never changes what is
there (seed_survey_demo)."""

import csv
import datetime
import io
import random

from academics.models import AcademicYear
from surveys.choices import About, QuestionKind
from surveys.importer import SurveyImport, import_survey, parse
from surveys.models import Response, Survey

from .university import START_YEAR

TITLE = "Экзамендик сессия студенттердин көз карашы менен"
FILENAME = "studentterdin-koz-karashy.csv"
QUESTIONS = (
    "Экзамендик сессияны уюштурууга жана өткөрүүгө Сиздин берген бааңыз",
    "Сиздин билимиңизди, жөндөмүңүздү баалоодо акыйкатсыздыкка, адилетсиздикке жол берилдиби?",
    "Сессияны жакшыртуу боюнча сунуштарыңыз",
)
# Of 100 responses, as the seed reports them.
SCALE = {"эң жакшы": 34, "жакшы": 53, "канааттандырарлык": 7, "жаман": 3, "өтө жаман": 3}
FAIRNESS = {"жок": 77, "ооба": 23}
IDEAS = (
    "Экзамендердин ортосунда көбүрөөк убакыт болсо жакшы болмок",
    "Расписание эрте чыксын",
    "Баары жакшы, рахмат",
    "Китепканада китептер, окуу куралдары көбүрөөк болсо",
    "Онлайн тесттерде интернет үзүлбөсө экен",
)


def export_csv():
    """The export as Google Forms writes it: a timestamp, then one column per question."""
    rng = random.Random(f"osh-demo-survey-{START_YEAR}")
    scale = [option for option, count in SCALE.items() for _ in range(count)]
    fairness = [option for option, count in FAIRNESS.items() for _ in range(count)]
    rng.shuffle(scale)
    rng.shuffle(fairness)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Отметка времени", *QUESTIONS])
    start = datetime.datetime(START_YEAR + 1, 7, 1, 9, 0, 0)
    for n, (grade, fair) in enumerate(zip(scale, fairness, strict=True)):
        when = start + datetime.timedelta(minutes=7 * n)
        idea = IDEAS[n % len(IDEAS)] if n % 3 == 0 else ""
        writer.writerow([when.strftime("%d.%m.%Y %H:%M:%S"), grade, fair, idea])
    return out.getvalue().encode("utf-8")


def seed_survey_demo():
    """Import the demo export: adds what is missing; never changes what is there. Once a survey
    has the demo's title or any of its rows (renamed since), it is the users': nothing is imported
    into it, so its questions, options and responses stay as they left them. Returns the import's
    result, or one that added nothing."""
    data = export_csv()
    survey = Survey.objects.filter(title=TITLE).first()
    rows = parse(data, FILENAME).rows
    if survey is None:
        response = (
            Response.objects.filter(row_hash__in=[row.row_hash for row in rows])
            .select_related("survey")
            .first()
        )
        survey = response.survey if response is not None else None
    if survey is not None:
        return SurveyImport(survey, False, 0, len(rows), survey.questions.count())
    return import_survey(
        data,
        FILENAME,
        TITLE,
        about=About.EXAM_SESSION,
        academic_year=AcademicYear.objects.get(start_year=START_YEAR),
        term=2,
        # Few distinct suggestions would be read as a choice: corrected, as in the preview.
        kinds={3: QuestionKind.TEXT},
    )
