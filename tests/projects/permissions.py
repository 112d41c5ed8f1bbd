"""The program's routes (plans, support) in the permission matrix (tests/security/matrix.py).

Lists and "new" pages are asked by every role here; a plan's or a support
record's pages need the program's objects, and their roles and scopes are
checked in tests/projects/test_views.py.
"""

from ..security.matrix import PAGE, WARD_STAFF, Route

COVERED = "tests/projects/test_views.py"

ROUTES = [
    Route("plans/", PAGE),
    Route("plans/{pk}/", PAGE, covered_by=COVERED),
    Route("plans/{pk}/edit/", PAGE, covered_by=COVERED),
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
]
