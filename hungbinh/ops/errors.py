"""An outage of a shared service is a 503 that says so, never a 500 with a traceback.

Django hands every uncaught exception to `handler500` while the exception is
still being handled, wherever it was raised (a view, a service, a middleware
loading the session). When it is the database, Redis or the job broker that
went away, the user gets a Vietnamese "temporarily unavailable" page (JSON for
the API) and `Retry-After`; the request's transaction was rolled back, so
nothing was half written (docs/operations.md, "Faults"). SQLite's "database is
locked" (a write waited past the timeout) says instead that the database is busy
and to try again in a few seconds.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import defaults


def _outage_errors() -> tuple[type[BaseException], ...]:
    from .sessions import CacheUnavailable

    errors: list[type[BaseException]] = [OperationalError, InterfaceError, CacheUnavailable]
    try:
        import redis

        errors += [redis.exceptions.ConnectionError, redis.exceptions.TimeoutError]
    except ImportError:  # pragma: no cover - redis is in requirements.txt
        pass
    try:
        import kombu.exceptions

        errors.append(kombu.exceptions.OperationalError)
    except ImportError:
        pass
    return tuple(errors)


OUTAGE_ERRORS = _outage_errors()
RETRY_AFTER_SECONDS = 30
# SQLite's write lock held past the timeout (by a large import's batch, a backup): seconds, not an outage.
BUSY_RETRY_AFTER_SECONDS = 5


def is_outage(error: BaseException | None) -> bool:
    return isinstance(error, OUTAGE_ERRORS)


def is_busy(error: BaseException | None) -> bool:
    """SQLite's "database is locked": another write held the database longer than the timeout."""
    return isinstance(error, OperationalError) and "database is locked" in str(error)


def service_unavailable(request, *, busy: bool = False) -> HttpResponse:
    if busy:
        message = _(
            "The database is busy with another change (a large import, for example), so what you were "
            "saving has not been saved. Try again in a few seconds."
        )
    else:
        message = _(
            "The system is temporarily unavailable: it cannot reach its database or one of its services. "
            "What you were saving has not been saved. Wait a minute, then try again; if it keeps happening, "
            "tell the administrator."
        )
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        # Rendered without the request: no context processor may touch the database.
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS if busy else RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a 503 for an outage, Django's plain 500 page for anything else."""
    error = sys.exc_info()[1]
    if is_outage(error):
        return service_unavailable(request, busy=is_busy(error))
    return defaults.server_error(request, template_name)
