"""What a locked-out login attempt gets (django-axes' AXES_LOCKOUT_CALLABLE).

The login page shows its page; the API's token endpoint answers JSON like the
rest of the API, so a script can read it.
"""

from axes.helpers import get_cool_off
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    if request.path.startswith(reverse("api-token")):
        return JsonResponse(
            {"detail": _("Too many failed login attempts. The account is locked for a while; try again later.")},
            status=429,
        )
    context = {"cooloff_timedelta": cool_off} if cool_off else {}
    return render(request, "registration/locked_out.html", context, status=429)
