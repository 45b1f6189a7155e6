"""The anonymous answer form: no login, one response per link, nothing that leads back from the
response to the link, a closed survey refused, and a flood answered 429 (to its client only)."""

import os

import pytest
from django.core.cache import cache, caches
from django.db import models
from django.test import Client
from django.urls import reverse

from portal import ratelimit
from surveys import services
from surveys.choices import QuestionKind
from surveys.models import Answer, Option, Question, Response, Survey, SurveyLink

pytestmark = pytest.mark.django_db


# Not the portal's own database number: the tests empty it.
LIMITS_REDIS_URL = os.environ.get("PORTAL_TEST_LIMITS_REDIS_URL", "redis://127.0.0.1:6379/3")


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def one_minute(monkeypatch):
    # The limit counts per minute of the clock: all of a test's posts fall in the same one.
    monkeypatch.setattr(ratelimit, "now", lambda: 60 * 29_000_000 + 1.0)


@pytest.fixture(params=["database", "redis"])
def limits(request, settings):
    """The rate limit's shared cache: the database table (no REDIS_URL) or Redis."""
    if request.param == "database":
        settings.CACHES = {
            **settings.CACHES,
            "limits": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "portal_cache_limits",
            },
        }
        caches["limits"].clear()
        yield request.param
        return
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(LIMITS_REDIS_URL)
    try:
        connection.ping()
    except RedisError as error:
        pytest.fail(f"The rate limit's tests need a Redis server at {LIMITS_REDIS_URL} ({error}).")
    connection.flushdb()
    settings.CACHES = {
        **settings.CACHES,
        "limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": LIMITS_REDIS_URL,
        },
    }
    yield request.param
    connection.flushdb()
    connection.close()


@pytest.fixture
def survey():
    survey = Survey.objects.create(title="Сессия жөнүндө", is_open=True)
    scale = Question.objects.create(survey=survey, order=1, text="Бааңыз", kind=QuestionKind.SINGLE)
    for n, text in enumerate(["эң жакшы", "жакшы", "жаман"], start=1):
        Option.objects.create(question=scale, order=n, text=text)
    trouble = Question.objects.create(
        survey=survey, order=2, text="Кыйынчылыктар", kind=QuestionKind.MULTIPLE
    )
    for n, text in enumerate(["Жадыбал", "Аудитория"], start=1):
        Option.objects.create(question=trouble, order=n, text=text)
    Question.objects.create(survey=survey, order=3, text="Сунуштар", kind=QuestionKind.TEXT)
    return survey


def payload(survey, scale="жакшы", trouble=("Жадыбал", "Аудитория"), text="Жакшы, рахмат"):
    q1, q2, q3 = survey.questions.all()
    return {
        f"q{q1.pk}": str(q1.options.get(text=scale).pk) if scale else "",
        f"q{q2.pk}": [str(q2.options.get(text=t).pk) for t in trouble],
        f"q{q3.pk}": text,
    }


def test_the_form_opens_without_login_and_records_one_anonymous_response(survey):
    link = services.create_links(survey, 1)[0]
    client = Client()
    url = reverse("surveys:answer", args=[link.token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Бааңыз" in page.content.decode()
    assert 'type="radio"' in page.content.decode()
    done = client.post(url, payload(survey))
    assert done.status_code == 200
    response = Response.objects.get()
    assert response.source == "portal"
    answers = {
        (a.question.text, a.option.text if a.option else a.text) for a in Answer.objects.all()
    }
    assert answers == {
        ("Бааңыз", "жакшы"),
        ("Кыйынчылыктар", "Жадыбал"),
        ("Кыйынчылыктар", "Аудитория"),
        ("Сунуштар", "Жакшы, рахмат"),
    }
    link.refresh_from_db()
    assert link.used


def test_a_link_answers_once(survey):
    link = services.create_links(survey, 1)[0]
    url = reverse("surveys:answer", args=[link.token])
    assert Client().post(url, payload(survey)).status_code == 200
    second = Client().post(url, payload(survey, scale="жаман"))
    assert second.status_code == 409
    assert "already been used" in second.content.decode()
    assert Response.objects.count() == 1
    assert not Answer.objects.filter(option__text="жаман").exists()
    assert Client().get(url).status_code == 409


def test_the_service_refuses_a_used_link_even_when_the_page_was_already_open(survey):
    link = services.create_links(survey, 1)[0]
    services.record_response(link.token, {})
    with pytest.raises(services.AnswerRefused):
        services.record_response(link.token, {})
    assert Response.objects.count() == 1


def test_the_response_cannot_be_traced_to_its_link(survey):
    links = services.create_links(survey, 3)
    Client().post(reverse("surveys:answer", args=[links[1].token]), payload(survey))
    response = Response.objects.get()
    assert response.row_hash == ""
    stored = [str(getattr(response, f.attname)) for f in Response._meta.concrete_fields]
    assert not any(link.token in value for link in links for value in stored)
    # No relation between a response and a link or a user, either way; the link keeps no time.
    related = {f.related_model for f in Response._meta.get_fields() if f.is_relation}
    assert SurveyLink not in related
    assert not any(
        getattr(f.related_model, "_meta", None) and f.related_model._meta.label == "auth.User"
        for f in Response._meta.get_fields()
        if f.is_relation
    )
    assert {f.name for f in SurveyLink._meta.concrete_fields} == {
        "id",
        "survey",
        "token",
        "used",
        "created",
    }
    assert not any(
        isinstance(f, models.DateTimeField) and f.name != "created"
        for f in SurveyLink._meta.concrete_fields
    )


def test_a_closed_survey_takes_no_answers(survey):
    link = services.create_links(survey, 1)[0]
    services.close_survey(survey)
    url = reverse("surveys:answer", args=[link.token])
    assert Client().get(url).status_code == 410
    refused = Client().post(url, payload(survey))
    assert refused.status_code == 410
    assert "closed" in refused.content.decode()
    assert not Response.objects.exists()
    link.refresh_from_db()
    assert not link.used


def test_an_unknown_link_is_404(survey):
    assert Client().get(reverse("surveys:answer", args=["nope" * 6])).status_code == 404


def test_an_empty_form_is_refused_and_keeps_the_link(survey):
    link = services.create_links(survey, 1)[0]
    page = Client().post(
        reverse("surveys:answer", args=[link.token]), payload(survey, scale="", trouble=(), text="")
    )
    assert page.status_code == 200
    assert "Answer at least one question" in page.content.decode()
    link.refresh_from_db()
    assert not link.used
    assert not Response.objects.exists()


def _post(survey, token, **meta):
    return Client().post(reverse("surveys:answer", args=[token]), payload(survey), **meta)


def test_a_flood_from_one_address_is_answered_429(survey, limits):
    links = services.create_links(survey, 25)
    client = Client(REMOTE_ADDR="10.1.2.3")
    statuses = [
        client.post(reverse("surveys:answer", args=[link.token]), payload(survey)).status_code
        for link in links[:21]
    ]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
    assert Response.objects.count() == 20
    # Another address is not held back.
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert (
        other.post(reverse("surveys:answer", args=[links[21].token]), payload(survey)).status_code
        == 200
    )


@pytest.mark.parametrize("header", ["X-Real-IP", "X-Forwarded-For"])
def test_behind_the_trusted_proxy_a_flood_from_one_client_does_not_block_another(
    survey, limits, settings, header
):
    settings.PORTAL_TRUSTED_PROXIES = ["127.0.0.1"]
    meta_key = "HTTP_" + header.upper().replace("-", "_")

    def via_nginx(client_address):
        return {"REMOTE_ADDR": "127.0.0.1", meta_key: client_address}

    student, other = services.create_links(survey, 2)
    junk = [_post(survey, "junk" * 6, **via_nginx("203.0.113.66")) for _ in range(21)]
    assert [r.status_code for r in junk] == [404] * 20 + [429]
    assert "Too many answers" in junk[-1].content.decode()
    # Genuine students behind the same nginx answer; the flooder stays held back.
    assert _post(survey, student.token, **via_nginx("203.0.113.7")).status_code == 200
    assert _post(survey, other.token, **via_nginx("203.0.113.66")).status_code == 429
    assert _post(survey, other.token, **via_nginx("198.51.100.8")).status_code == 200
    assert Response.objects.count() == 2


def test_a_forged_forwarded_address_from_an_untrusted_client_does_not_change_its_key(
    survey, limits, settings
):
    settings.PORTAL_TRUSTED_PROXIES = ["127.0.0.1"]
    statuses = [
        _post(
            survey,
            "junk" * 6,
            REMOTE_ADDR="10.1.2.3",
            HTTP_X_REAL_IP=f"203.0.113.{n}",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(21)
    ]
    assert statuses == [404] * 20 + [429]
    link = services.create_links(survey, 1)[0]
    assert _post(survey, link.token, REMOTE_ADDR="10.1.2.3").status_code == 429
    assert _post(survey, link.token, REMOTE_ADDR="10.1.2.4").status_code == 200


def test_the_next_minute_takes_answers_again(survey, limits, monkeypatch):
    for _ in range(21):
        _post(survey, "junk" * 6, REMOTE_ADDR="10.1.2.3")
    link = services.create_links(survey, 1)[0]
    assert _post(survey, link.token, REMOTE_ADDR="10.1.2.3").status_code == 429
    monkeypatch.setattr(ratelimit, "now", lambda: 60 * 29_000_001 + 1.0)
    assert _post(survey, link.token, REMOTE_ADDR="10.1.2.3").status_code == 200
