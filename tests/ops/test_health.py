"""GET /health/: what a load balancer and monitoring read."""

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

from hungbinh.ops import health

from .cluster import REDIS_URL

pytestmark = pytest.mark.django_db

REDIS_CACHE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "hungbinh-test-health",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1, "IGNORE_EXCEPTIONS": True},
    }
}
# Nothing listens on port 9 (discard) of the loopback.
DEAD_REDIS_CACHE = {"default": {**REDIS_CACHE["default"], "LOCATION": "redis://127.0.0.1:9/8"}}


def test_health_answers_without_login_and_without_data(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "local", "jobs": "eager", "worker": "eager"}
    assert "no-store" in response["Cache-Control"]


def test_health_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def broken(self, sql, params=None):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_health_answers_plain_http_where_pages_redirect_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/").status_code == 200
    assert client.get("/households/").status_code == 301


def test_health_only_reads(client):
    assert client.post("/health/").status_code == 405


@pytest.mark.redis
def test_cache_on_redis_is_ok(settings):
    settings.CACHES = REDIS_CACHE
    assert health.cache_status() == "ok"


def test_cache_on_a_redis_that_is_down_says_so(settings):
    settings.CACHES = DEAD_REDIS_CACHE
    assert health.cache_status() == "unavailable"


def test_jobs_broker_down_says_so_and_database_still_decides(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/8"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["jobs"] == "unavailable"
    assert response.json()["worker"] == "unavailable"


@pytest.mark.redis
def test_jobs_broker_up_is_ok(settings):
    settings.CELERY_BROKER_URL = REDIS_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert health.jobs_status() == "ok"


@pytest.mark.redis
def test_no_worker_answering_says_so_and_the_site_stays_in_service(client, settings):
    # The tests' Redis database has no worker outside tests/ops/test_two_servers.py (which checks "ok").
    settings.CELERY_BROKER_URL = REDIS_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["jobs"] == "ok"
    assert response.json()["worker"] == "unavailable"
