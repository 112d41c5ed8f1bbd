"""The program's routes (plans, support) in the permission matrix (tests/security/matrix.py).

Lists and "new" pages are asked by every role here; a plan's or a support
record's pages need the program's objects, and their roles and scopes are
checked in tests/projects/test_views.py.
"""

from ..security.matrix import API, PAGE, WARD_STAFF, Route

COVERED = "tests/projects/test_views.py"
API_COVERED = "tests/projects/test_api.py"

ROUTES = [
    Route("plans/", PAGE),
    Route("plans/{pk}/", PAGE, covered_by=COVERED),
    Route("plans/{pk}/edit/", PAGE, covered_by=COVERED),
    Route("plans/{pk}/items/new/", PAGE, covered_by=COVERED),
    Route("plans/{pk}/items/{item_pk}/", PAGE, covered_by=COVERED),
    Route("plans/{pk}/copy/", PAGE, covered_by=COVERED),
    Route("plans/{pk}/correct/", PAGE, "post", covered_by=COVERED),
    Route("plans/{pk}/issue/", PAGE, covered_by=COVERED),
    Route("plans/{pk}/budgets/", PAGE, covered_by=COVERED),
    Route("plans/{pk}/indicators/", PAGE, covered_by=COVERED),
    Route("subprojects/{pk}/", PAGE, covered_by=COVERED),
    Route("support/", PAGE),
    # Recording support: ward staff and unit members (roles.can_record_support).
    Route("support/new/", PAGE, allowed=WARD_STAFF),
    Route("support/bulk/", PAGE, allowed=WARD_STAFF),
    Route("support/{pk}/", PAGE, covered_by=COVERED),
    # The program's API: lists by every role here; objects and writes in tests/projects/test_api.py.
    Route("api/v1/programs/", API),
    Route("api/v1/programs/{pk}/", API, covered_by=API_COVERED),
    Route("api/v1/subprojects/", API),
    Route("api/v1/subprojects/{pk}/", API, covered_by=API_COVERED),
    Route("api/v1/plans/", API),
    Route("api/v1/plans/{pk}/", API, covered_by=API_COVERED),
    Route("api/v1/plans/{pk}/copy/", API, covered_by=API_COVERED),
    Route("api/v1/plans/{pk}/correct/", API, covered_by=API_COVERED),
    Route("api/v1/plans/{pk}/issue/", API, covered_by=API_COVERED),
    Route("api/v1/budgets/", API, covered_by=API_COVERED),
    Route("api/v1/budgets/{pk}/", API, covered_by=API_COVERED),
    Route("api/v1/indicators/", API, covered_by=API_COVERED),
    Route("api/v1/indicators/{pk}/", API, covered_by=API_COVERED),
    Route("api/v1/interventions/", API),
    Route("api/v1/interventions/bulk/", API, covered_by=API_COVERED),
    Route("api/v1/interventions/{pk}/", API, covered_by=API_COVERED),
    Route("api/v1/units/", API),
    Route("api/v1/units/{pk}/", API, covered_by=API_COVERED),
]
