from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from .health import OK, health


@require_GET
def health_view(request):
    """For load balancers and monitoring: 200 while the database answers, 503 when it does not."""
    checks = health()
    response = JsonResponse(checks, status=200 if checks["database"] == OK else 503)
    add_never_cache_headers(response)
    return response
