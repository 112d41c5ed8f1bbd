"""Who may download a report: the browser session or the API token alike (README, "Địa chỉ chính"; docs/documents.md).

A city's script sends `Authorization: Token …`; a browser sends its session
cookie. A wrong token is a 401; no credentials at all send a browser to the
login page. Every report response is private and never cached.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from rest_framework.exceptions import AuthenticationFailed

from hungbinh.accounts.roles import role_of
from hungbinh.accounts.tokens import ExpiringTokenAuthentication


def _token_user(request):
    """The token's user, None without a token header; AuthenticationFailed for a bad token."""
    result = ExpiringTokenAuthentication().authenticate(request)
    return result[0] if result else None


def report_access(view):
    """Session or token; anonymous to the login page; a user without a role is 403."""

    @never_cache
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            token_user = _token_user(request)
        except AuthenticationFailed as error:
            response = HttpResponse(str(error.detail), status=401, content_type="text/plain; charset=utf-8")
            response["WWW-Authenticate"] = "Token"
            return response
        if token_user is not None:
            request.user = token_user
            request.auth_by_token = True
        elif not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if role_of(request.user) is None:
            raise PermissionDenied(_("Your account has no role yet; ask the administrator to set it."))
        return view(request, *args, **kwargs)

    return wrapped
