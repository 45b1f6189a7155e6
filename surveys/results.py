"""The one definition of a survey's answer shares, for the pages, the command, the dashboard and
the council's resolution.

A share is of the respondents who answered the question (not of all respondents): count /
answered × 100, rounded half up to 2 decimals. A multiple-choice question's shares may add up to
more than 100. Every function here runs a fixed number of queries, whatever the number of
surveys, questions and answers.
"""

from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from academics.models import AcademicYear
from portal.numbers import number, percent

from .choices import CHOICE_KINDS, QuestionKind
from .models import Answer, Option, Question, Survey

# The surveys the dashboard shows when it names no year.
RECENT_SURVEYS = 10


def _results(surveys, choice_only=False, with_texts=False):
    """{survey id: results dict} for `surveys` (a list, each annotated with `response_count`)."""
    ids = [survey.pk for survey in surveys]
    questions = Question.objects.filter(survey_id__in=ids).order_by("survey_id", "order")
    if choice_only:
        questions = questions.filter(kind__in=CHOICE_KINDS)
    questions = list(questions)
    question_ids = [question.pk for question in questions]
    options = {}
    for option in Option.objects.filter(question_id__in=question_ids).order_by("order", "id"):
        options.setdefault(option.question_id, []).append(option)
    counts = dict(
        Answer.objects.filter(question_id__in=question_ids, option__isnull=False)
        .order_by()
        .values("option_id")
        .annotate(n=Count("id"))
        .values_list("option_id", "n")
    )
    answered = dict(
        Answer.objects.filter(question_id__in=question_ids)
        .order_by()
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    texts = {}
    if with_texts:
        rows = (
            Answer.objects.filter(question_id__in=question_ids, question__kind=QuestionKind.TEXT)
            .order_by("response__submitted_at", "id")
            .values_list("question_id", "text")
        )
        for question_id, text in rows:
            texts.setdefault(question_id, []).append(text)
    results = {
        survey.pk: {"title": survey.title, "responses": survey.response_count, "questions": []}
        for survey in surveys
    }
    for question in questions:
        n = answered.get(question.pk, 0)
        item = {
            "text": question.text,
            "kind": question.kind,
            "answered": n,
            "answers": [
                {
                    "option": option.text,
                    "count": counts.get(option.pk, 0),
                    "pct": percent(counts.get(option.pk, 0), n),
                }
                for option in options.get(question.pk, [])
            ]
            if question.kind in CHOICE_KINDS
            else [],
        }
        if with_texts and question.kind == QuestionKind.TEXT:
            item["texts"] = texts.get(question.pk, [])
        results[question.survey_id]["questions"].append(item)
    return results


def surveys_with_counts():
    return Survey.objects.select_related("academic_year").annotate(
        response_count=Count("responses", distinct=True)
    )


def survey_results(survey, with_texts=False):
    """{"title", "responses", "questions": [{"text", "kind", "answered", "answers": [{"option",
    "count", "pct"}]}]} — `pct` a Decimal. With `with_texts`, a free-text question also has
    "texts", its answers (for the page; the JSON leaves them out)."""
    survey = surveys_with_counts().get(pk=survey.pk)
    return _results([survey], with_texts=with_texts)[survey.pk]


def dashboard_shares(academic_year=None, term=None):
    """The choice questions' shares of the surveys of `academic_year` (an AcademicYear, its id or
    its name "2023-2024") and `term`; with no year, of the RECENT_SURVEYS newest surveys. A list
    of {"survey", "title", "about", "responses", "questions"}, newest survey first."""
    surveys = surveys_with_counts()
    if academic_year is not None:
        if isinstance(academic_year, str) and not academic_year.isdigit():
            surveys = surveys.filter(
                academic_year__start_year=AcademicYear.parse_name(academic_year)
            )
        else:
            surveys = surveys.filter(academic_year=academic_year)
    if term is not None:
        surveys = surveys.filter(term=term)
    surveys = surveys.order_by("-created", "-id")
    if academic_year is None:
        surveys = surveys[:RECENT_SURVEYS]
    surveys = list(surveys)
    results = _results(surveys, choice_only=True)
    return [
        {
            "survey": survey,
            "title": survey.title,
            "about": survey.about,
            "responses": survey.response_count,
            "questions": results[survey.pk]["questions"],
        }
        for survey in surveys
    ]


def format_pct(pct):
    """34.00 -> "34", 33.33 -> "33,33" in Kyrgyz (the language's decimal separator)."""
    places = 0 if pct == pct.to_integral_value() else 2
    return number(pct, places)


def summary_line(question_result):
    """The seed report's sentence for one question: "34% — эң жакшы, 53% — жакшы, …"; empty for
    a free-text question or one nobody answered."""
    if not question_result["answered"] or not question_result["answers"]:
        return ""
    return ", ".join(
        _("%(pct)s%% — %(option)s") % {"pct": format_pct(answer["pct"]), "option": answer["option"]}
        for answer in question_result["answers"]
    )


def as_json_ready(results):
    """The results with each pct a number (JSON has no Decimal) and no free-text answers."""
    return {
        "title": results["title"],
        "responses": results["responses"],
        "questions": [
            {
                "text": question["text"],
                "kind": question["kind"],
                "answered": question["answered"],
                "answers": [
                    {"option": a["option"], "count": a["count"], "pct": float(a["pct"])}
                    for a in question["answers"]
                ],
            }
            for question in results["questions"]
        ],
    }


RESOLUTION_ABOUT = ("exam_session", "state_attestation")


def resolution_figures(academic_year, term):
    """The survey shares the council's resolution quotes: for each survey about the exam session
    or the state attestation of that year and term, its first choice question that was answered,
    with each answer's share (as text, so that an adopted resolution can freeze them as JSON)."""
    quoted = []
    for survey in dashboard_shares(academic_year, term):
        if survey["about"] not in RESOLUTION_ABOUT:
            continue
        question = next((q for q in survey["questions"] if q["answered"]), None)
        if question is None:
            continue
        quoted.append(
            {
                "title": survey["title"],
                "responses": survey["responses"],
                "question": question["text"],
                "answered": question["answered"],
                "answers": [
                    {"option": a["option"], "count": a["count"], "pct": str(a["pct"])}
                    for a in question["answers"]
                ],
            }
        )
    return quoted


def resolution_note(figures):
    """ "In the survey “…”, to the question “…”, 34% — эң жакшы, 53% — жакшы, …" per quoted
    survey, in the active language; None when there is none."""
    if not figures:
        return None
    sentences = []
    for survey in figures:
        line = summary_line(
            {
                "answered": survey["answered"],
                "answers": [{**a, "pct": Decimal(a["pct"])} for a in survey["answers"]],
            }
        )
        sentences.append(
            _(
                "In the survey “%(title)s” students answered the question “%(question)s”: "
                "%(shares)s."
            )
            % {"title": survey["title"], "question": survey["question"], "shares": line}
        )
    return " ".join(sentences)


# The seed survey's question "was there unfairness in assessing your knowledge?", known by its
# words in Kyrgyz ("…баалоодо акыйкатсыздыкка, адилетсиздикке жол берилдиби?") and Russian
# ("…несправедливость при оценке…"); its "yes" answer by the word alone.
UNFAIR_ASSESSMENT_WORDS = ("адилетсиз", "акыйкатсыз", "несправедлив")
YES_WORDS = ("ооба", "да", "yes")


def is_unfair_assessment_question(text):
    text = text.lower().replace("ё", "е")
    return any(word in text for word in UNFAIR_ASSESSMENT_WORDS)


def unfair_assessment_shares(academic_year, term):
    """The share of "yes" to the unfair-assessment question in each survey of `academic_year`
    and `term` that asks it: [{"title", "question", "answered", "yes", "pct"}], `pct` a Decimal
    (of those who answered the question). Surveys are of the whole university, not a faculty."""
    found = []
    for survey in dashboard_shares(academic_year, term):
        for question in survey["questions"]:
            if not is_unfair_assessment_question(question["text"]):
                continue
            yes = [a for a in question["answers"] if a["option"].strip().lower() in YES_WORDS]
            if not yes or not question["answered"]:
                continue
            count = sum(answer["count"] for answer in yes)
            found.append(
                {
                    "title": survey["title"],
                    "question": question["text"],
                    "answered": question["answered"],
                    "yes": count,
                    "pct": percent(count, question["answered"]),
                }
            )
    return found
