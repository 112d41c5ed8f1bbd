"""An outage of a shared service is a 503 that says so, never a 500 with a traceback.

Django hands every uncaught exception to `handler500` while the exception is
still being handled, wherever it was raised (a view, a service, a middleware
loading the session). When it is the database, Redis or the job broker that
went away, the user gets a Vietnamese "temporarily unavailable" page (JSON for
the API) and `Retry-After`; the request's transaction was rolled back, so
nothing was half written (docs/operations.md, "Faults").
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


def is_outage(error: BaseException | None) -> bool:
    return isinstance(error, OUTAGE_ERRORS)


def service_unavailable(request) -> HttpResponse:
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
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a 503 for an outage, Django's plain 500 page for anything else."""
    if is_outage(sys.exc_info()[1]):
        return service_unavailable(request)
    return defaults.server_error(request, template_name)
