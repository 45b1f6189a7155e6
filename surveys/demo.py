"""The demo university's surveys: "Through students' eyes" of the summer session 2023-2024, with
the seed report's shares (34% эң жакшы, 53% жакшы, 7% канааттандырарлык, 3% жаман, 3% өтө
жаман; 77% жок, 23% ооба), loaded as a Google Forms export through the survey import, as the
academic department would load theirs. A second run adds nothing (the import skips known rows)."""

import csv
import datetime
import io
import random

from academics.demo import START_YEAR

TITLE = "Экзамендик сессия студенттердин көз карашы менен"
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
    """Import the demo export; returns the import's result."""
    from academics.models import AcademicYear

    from .choices import About, QuestionKind
    from .importer import import_survey

    return import_survey(
        export_csv(),
        "studentterdin-koz-karashy.csv",
        TITLE,
        about=About.EXAM_SESSION,
        academic_year=AcademicYear.objects.get(start_year=START_YEAR),
        term=2,
        # Few distinct suggestions would be read as a choice: corrected, as in the preview.
        kinds={3: QuestionKind.TEXT},
    )
