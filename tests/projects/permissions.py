"""The program's routes (plans, support) in the permission matrix (tests/security/matrix.py).

The plans are drafts (their forms open); a support record is its unit's and its household's: "own" was
recorded by the unit member's unit (tests/security/matrix_world.py).
"""

from ..security.matrix import ALL_ROLES, API, LEADERS, PAGE, SUPPORT_RECORDERS, WARD_STAFF, Route

# Budgets and indicators: everyone who sees the plan but a unit member (projects/selectors.py, may_see_money).
MONEY = ALL_ROLES - {"unit_member_hb"}

ROUTES = [
    Route("plans/", PAGE),
    Route("plans/{pk}/", PAGE, object="plan"),
    Route("plans/{pk}/edit/", PAGE, object="plan", allowed=WARD_STAFF),
    Route("plans/{pk}/items/new/", PAGE, object="plan", allowed=WARD_STAFF),
    Route("plans/{pk}/items/{item_pk}/", PAGE, object="plan_item", allowed=WARD_STAFF),
    Route("plans/{pk}/copy/", PAGE, object="plan", allowed=WARD_STAFF),
    # A draft has nothing to correct: back to the plan with the reason.
    Route("plans/{pk}/correct/", PAGE, "post", object="plan", allowed=WARD_STAFF, ok=302),
    Route("plans/{pk}/issue/", PAGE, object="plan", allowed=LEADERS),
    Route("plans/{pk}/budgets/", PAGE, object="plan", allowed=MONEY),
    Route("plans/{pk}/indicators/", PAGE, object="plan", allowed=MONEY),
    Route("subprojects/{pk}/", PAGE, object="subproject"),
    Route("support/", PAGE),
    # Recording support: ward staff and unit members (roles.can_record_support).
    Route("support/new/", PAGE, allowed=SUPPORT_RECORDERS),
    Route("support/bulk/", PAGE, allowed=SUPPORT_RECORDERS),
    Route("support/{pk}/", PAGE, object="intervention"),
    Route("api/v1/programs/", API),
    Route("api/v1/programs/{pk}/", API, object="program"),
    Route("api/v1/subprojects/", API),
    Route("api/v1/subprojects/{pk}/", API, object="subproject"),
    Route("api/v1/plans/", API),
    Route("api/v1/plans/{pk}/", API, object="plan"),
    # Empty bodies: a 400 for a role that may act (and a draft cannot be corrected); the role is asked first.
    Route("api/v1/plans/{pk}/copy/", API, "post", object="plan", allowed=WARD_STAFF, ok=400),
    Route("api/v1/plans/{pk}/correct/", API, "post", object="plan", allowed=WARD_STAFF, ok=400),
    Route("api/v1/plans/{pk}/issue/", API, "post", object="plan", allowed=LEADERS, ok=400),
    Route("api/v1/budgets/", API),
    Route("api/v1/budgets/{pk}/", API, object="budget"),
    Route("api/v1/indicators/", API),
    Route("api/v1/indicators/{pk}/", API, object="indicator"),
    Route("api/v1/interventions/", API),
    Route("api/v1/interventions/bulk/", API, "post", allowed=SUPPORT_RECORDERS, ok=400),
    Route("api/v1/interventions/{pk}/", API, object="intervention"),
    Route("api/v1/units/", API),
    Route("api/v1/units/{pk}/", API, object="unit"),
]
