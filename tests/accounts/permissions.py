"""Accounts, the API's own routes and operations in the permission matrix (tests/security/matrix.py)."""

from ..security.matrix import ADMIN, API, PAGE, PUBLIC, Route

ROUTES = [
    Route("accounts/login/", PUBLIC),
    # Logging out is a POST; a GET is refused (405) for everyone.
    Route("accounts/logout/", PUBLIC),
    Route("accounts/password/", PAGE),
    Route("accounts/password/done/", PAGE),
    Route("api/v1/", API),
    # Asking for a token is a POST with credentials: tests/security/test_tokens.py.
    Route("api/v1/auth/token/", PUBLIC),
    Route("api/v1/schema/", API),
    Route("api/v1/docs/", PAGE),
    Route("health/", PUBLIC),
    Route("i18n/setlang/", PUBLIC),
    # Only a superuser enters the admin; everyone else is sent to its login page (tests/test_admin_pages.py).
    Route("admin/", ADMIN, allowed=frozenset({"admin"}), forbidden=302),
]
