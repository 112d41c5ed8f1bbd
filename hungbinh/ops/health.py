"""What `GET /health/` checks: the database, the cache, the job broker and a worker (docs/operations.md).

Each check answers a short word and never raises; nothing in the answer comes
from the data, so the endpoint needs no login.
"""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)

OK = "ok"
UNAVAILABLE = "unavailable"
# One server's own memory: nothing shared to check.
LOCAL = "local"
# No broker configured: jobs run inside the web request (make run).
EAGER = "eager"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("health: the database does not answer", exc_info=True)
        connection.close_if_unusable_or_obsolete()
        return UNAVAILABLE
    return OK


def cache_status() -> str:
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return LOCAL
    key, value = f"health:{secrets.token_hex(4)}", secrets.token_hex(4)
    try:
        # django-redis swallows connection errors (IGNORE_EXCEPTIONS): a value
        # that does not come back is how an unreachable Redis shows.
        cache.set(key, value, timeout=10)
        answered = cache.get(key) == value
        cache.delete(key)
    except Exception:  # any cache backend's own connection error
        logger.warning("health: the cache does not answer", exc_info=True)
        return UNAVAILABLE
    return OK if answered else UNAVAILABLE


def jobs_status() -> str:
    broker = getattr(settings, "CELERY_BROKER_URL", "")
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) or not broker or broker.startswith("memory://"):
        return EAGER
    if broker.startswith(("redis://", "rediss://")):
        import redis

        try:
            redis.Redis.from_url(broker, socket_connect_timeout=1, socket_timeout=1).ping()
        except redis.RedisError:
            logger.warning("health: the job broker does not answer", exc_info=True)
            return UNAVAILABLE
    return OK


# How long a worker has to answer the ping; it answers in milliseconds when one runs,
# so only a missing worker costs this (the answer returns at the first reply).
WORKER_PING_SECONDS = 1.0


def worker_status(jobs: str | None = None) -> str:
    """ "ok" when a Celery worker answers on the broker, "unavailable" when none does (jobs wait in the queue)."""
    jobs = jobs or jobs_status()
    if jobs != OK:
        return jobs  # eager: no worker needed; unavailable: the broker itself is down
    from hungbinh.celery import app

    try:
        # The broker the settings name now (as jobs_status asks it), not the one Celery read at start.
        with app.connection_for_write(settings.CELERY_BROKER_URL) as broker:
            replies = app.control.ping(timeout=WORKER_PING_SECONDS, limit=1, connection=broker)
    except Exception:  # kombu's connection errors differ by transport
        logger.warning("health: the workers could not be asked", exc_info=True)
        return UNAVAILABLE
    if not replies:
        logger.warning("health: no job worker answers; jobs wait in the queue")
        return UNAVAILABLE
    return OK


def health() -> dict[str, str]:
    jobs = jobs_status()
    return {"database": database_status(), "cache": cache_status(), "jobs": jobs, "worker": worker_status(jobs)}
