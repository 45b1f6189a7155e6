"""The writes of surveys run in the portal: open and close a survey, make its single-use links,
record an anonymous response."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import QuestionKind, Source
from .models import Answer, Response, Survey, SurveyLink

MAX_LINKS_AT_ONCE = 1000


class AnswerRefused(Exception):
    """The response cannot be recorded: the link was used, or the survey is closed."""


def open_survey(survey):
    Survey.objects.filter(pk=survey.pk).update(is_open=True)
    survey.is_open = True


def close_survey(survey):
    Survey.objects.filter(pk=survey.pk).update(is_open=False)
    survey.is_open = False


def create_links(survey, count):
    """`count` new single-use links to answer `survey`."""
    if not 1 <= count <= MAX_LINKS_AT_ONCE:
        raise ValueError(f"between 1 and {MAX_LINKS_AT_ONCE} links at once")
    return SurveyLink.objects.bulk_create(SurveyLink(survey=survey) for _n in range(count))


def record_response(token, answers):
    """Record the answers given through the link `token`: {question: option, [options] or text}.

    The link is marked used by a conditional UPDATE in the same transaction, so two submissions
    through one link racing each other record one response. The response keeps nothing of the
    link, and the link nothing of the response or of the time.
    """
    with transaction.atomic():
        link = SurveyLink.objects.select_related("survey").get(token=token)
        if not link.survey.is_open:
            raise AnswerRefused(_("This survey is closed; answers are no longer taken."))
        if not SurveyLink.objects.filter(pk=link.pk, used=False).update(used=True):
            raise AnswerRefused(_("This link has already been used to answer the survey."))
        response = Response.objects.create(
            survey=link.survey, submitted_at=timezone.now(), source=Source.PORTAL
        )
        rows = []
        for question, value in answers.items():
            if question.kind == QuestionKind.TEXT:
                if value.strip():
                    rows.append(Answer(response=response, question=question, text=value.strip()))
            elif question.kind == QuestionKind.MULTIPLE:
                rows.extend(
                    Answer(response=response, question=question, option=option) for option in value
                )
            elif value is not None:
                rows.append(Answer(response=response, question=question, option=value))
        Answer.objects.bulk_create(rows)
    return response
