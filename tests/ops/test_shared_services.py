"""Settings of the shared services (cache, sessions, files) and what happens when Redis is down."""

import json

import pytest
from django.test import Client

from tests.factories import PASSWORD
from tests.test_settings import run

from .test_health import DEAD_REDIS_CACHE, REDIS_CACHE

SHOW = [
    "-c",
    "import django, json; django.setup(); from django.conf import settings as s; "
    "from django.core.files.storage import storages; d = storages['default']; "
    "print(json.dumps({'cache': s.CACHES['default'], 'session': s.SESSION_ENGINE, "
    "'storage': type(d).__module__ + '.' + type(d).__name__, "
    "'bucket': getattr(d, 'bucket_name', None), 'endpoint': getattr(d, 'endpoint_url', None)}))",
]


def settings_with(**env):
    result = run(SHOW, DEBUG="1", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_one_server_needs_nothing_but_itself():
    shown = settings_with()
    assert shown["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["session"] == "django.contrib.sessions.backends.db"
    assert shown["storage"] == "django.core.files.storage.filesystem.FileSystemStorage"


def test_redis_url_gives_a_shared_cache_that_tolerates_redis_down_and_cached_db_sessions():
    shown = settings_with(REDIS_URL="redis://127.0.0.1:6379/8")
    assert shown["cache"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert shown["cache"]["LOCATION"] == "redis://127.0.0.1:6379/8"
    assert shown["cache"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert shown["session"] == "django.contrib.sessions.backends.cached_db"
    assert settings_with(REDIS_URL="redis://127.0.0.1:6379/8", SESSION_STORE="cache")["session"] == (
        "hungbinh.ops.sessions"
    )


def test_cache_sessions_without_a_cache_server_are_refused():
    result = run(SHOW, DEBUG="1", SESSION_STORE="cache")
    assert result.returncode != 0
    assert "SESSION_STORE" in result.stderr


def test_a_bucket_puts_files_on_s3_compatible_storage():
    shown = settings_with(
        AWS_STORAGE_BUCKET_NAME="hungbinh-files", AWS_S3_ENDPOINT_URL="https://s3.example.vn", AWS_ACCESS_KEY_ID="k"
    )
    assert shown["storage"] == "storages.backends.s3.S3Storage"
    assert shown["bucket"] == "hungbinh-files"
    assert shown["endpoint"] == "https://s3.example.vn"


@pytest.mark.django_db
@pytest.mark.parametrize("cache", [REDIS_CACHE, DEAD_REDIS_CACHE], ids=["redis-up", "redis-down"])
def test_cached_db_sessions_keep_officers_logged_in_whatever_redis_does(client, world, settings, cache):
    if cache is REDIS_CACHE:
        pytest.importorskip("redis")
    settings.CACHES = cache
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client.force_login(world.users["ward_officer_hb"])
    response = client.get("/households/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_cache_only_sessions_with_redis_down_say_so_at_login(world, settings):
    settings.CACHES = DEAD_REDIS_CACHE
    settings.SESSION_ENGINE = "hungbinh.ops.sessions"
    client = Client(raise_request_exception=False)
    response = client.post("/accounts/login/", {"username": "canbo", "password": PASSWORD})
    assert response.status_code == 503
    assert "tạm thời không hoạt động" in response.content.decode()


@pytest.mark.redis
@pytest.mark.django_db
def test_cache_only_sessions_on_redis_log_in_and_out(world, settings):
    settings.CACHES = REDIS_CACHE
    settings.SESSION_ENGINE = "hungbinh.ops.sessions"
    client = Client()
    response = client.post("/accounts/login/", {"username": "canbo", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/households/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/households/").status_code == 302
