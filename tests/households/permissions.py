"""The registry's routes in the permission matrix (tests/security/matrix.py): who may use each, on what."""

from ..security.matrix import ALL_ROLES, API, EDITORS, PAGE, WARD_STAFF, Route

ROUTES = [
    # Pages
    Route("", PAGE),
    Route("households/", PAGE),
    Route("households/new/", PAGE, allowed=EDITORS),
    Route("households/import/", PAGE, allowed=WARD_STAFF),
    Route("households/import/template.xlsx", PAGE, allowed=WARD_STAFF),
    Route("households/{pk}/", PAGE, object="household"),
    Route("households/{pk}/edit/", PAGE, object="household", allowed=EDITORS),
    Route("households/{pk}/status/", PAGE, object="household", allowed=EDITORS),
    Route("households/{pk}/members/new/", PAGE, object="household", allowed=EDITORS),
    Route("households/{pk}/members/{member_pk}/edit/", PAGE, object="member", allowed=EDITORS),
    # An empty removal form is shown again with its errors; nothing is removed.
    Route("households/{pk}/members/{member_pk}/delete/", PAGE, "post", object="member", allowed=EDITORS, ok=200),
    # API: reads here; writes by role and scope in tests/households/test_api_permissions.py.
    Route("api/v1/wards/", API),
    Route("api/v1/wards/{pk}/", API, object="ward"),
    Route("api/v1/khoi/", API),
    Route("api/v1/khoi/{pk}/", API, object="khoi"),
    Route("api/v1/households/", API),
    Route("api/v1/households/{pk}/", API, object="household"),
    Route("api/v1/households/{pk}/history/", API, object="household"),
    # An empty body is a 400 for a role that may write; a 403 for the read-only upper level.
    Route("api/v1/households/{pk}/status/", API, "post", object="household", allowed=EDITORS, ok=400),
    Route("api/v1/households/import/", API, "post", allowed=WARD_STAFF, ok=400),
    Route("api/v1/members/", API),
    Route("api/v1/members/{pk}/", API, object="member"),
]
assert all(route.allowed <= ALL_ROLES for route in ROUTES)
