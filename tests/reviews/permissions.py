"""The reviews' routes in the permission matrix (tests/security/matrix.py).

Each ward's periodic campaign of 2025 has a review per khối, posted and decided (tests/security/matrix_world.py):
the steps answer an empty body with a 400 for a role that may act, 403 for one that may not.
"""

from ..security.matrix import API, EDITORS, LEADERS, PAGE, WARD_STAFF, Route

# The steps' roles are checked before the review is looked up (403 whatever the review), then its scope (404).

ROUTES = [
    Route("api/v1/standards/", API),
    Route("api/v1/standards/{pk}/", API, object="standard"),
    Route("api/v1/campaigns/", API),
    Route("api/v1/campaigns/{pk}/", API, object="campaign"),
    Route("api/v1/campaigns/{pk}/board/", API, object="campaign"),
    Route("api/v1/reviews/", API),
    Route("api/v1/reviews/{pk}/", API, object="review"),
    # The class that figures propose (none given: "not determined"); nothing is saved.
    Route("api/v1/reviews/{pk}/classify/", API, "post", object="review"),
    # A refusal is signed by the ward leader (a regular review's, instead of a decision).
    Route("api/v1/reviews/{pk}/refuse/", API, "post", object="review", allowed=LEADERS, ok=400),
    Route("api/v1/reviews/{pk}/return/", API, "post", object="review", allowed=WARD_STAFF, ok=400),
    Route("api/v1/reviews/{pk}/submit/", API, "post", object="review", allowed=EDITORS, ok=400),
    Route("api/v1/reviews/{pk}/verify/", API, "post", object="review", allowed=WARD_STAFF, ok=400),
    Route("api/v1/meetings/", API),
    Route("api/v1/meetings/{pk}/", API, object="meeting"),
    Route("api/v1/postings/", API),
    Route("api/v1/postings/{pk}/", API, object="posting"),
    # Every role lists the decisions of its wards; a khối member gets only its own khối's reviews in each
    # (tests/reviews/test_api.py, test_decisions_hold_only_the_reviews_in_scope).
    Route("api/v1/decisions/", API),
    Route("api/v1/decisions/{pk}/", API, object="decision"),
    Route("api/v1/movements/", API),
    Route("api/v1/movements/{pk}/", API, object="movement"),
    Route("reviews/household/{pk}/movement/", PAGE, object="household", allowed=WARD_STAFF),
    Route("reviews/", PAGE),
    Route("reviews/{pk}/", PAGE, object="campaign"),
    Route("reviews/review/{pk}/", PAGE, object="review"),
    # The decision's page finds the campaign first: another ward's is a 404 for every role.
    Route("reviews/{pk}/decision/", PAGE, object="campaign", allowed=LEADERS, lookup_first=True),
    # The report to the upper level, and its answer: read by all who see the campaign, the upper level included.
    Route("reviews/{pk}/report/", PAGE, object="campaign"),
    Route("reviews/{pk}/khoi/{khoi_pk}/", PAGE, object="campaign_khoi"),
    # A khối's meeting and posting are read by all who see the khối; ward staff record them (a POST).
    Route("reviews/{pk}/khoi/{khoi_pk}/meeting/", PAGE, object="campaign_khoi"),
    Route("reviews/{pk}/khoi/{khoi_pk}/posting/", PAGE, object="campaign_khoi"),
    Route("reviews/{pk}/khoi/{khoi_pk}/apply/", PAGE, object="campaign_khoi", allowed=EDITORS),
    # Giving a khối's list to a committee member is a POST: a GET goes back to the khối's page.
    Route("reviews/{pk}/khoi/{khoi_pk}/assign/", PAGE, object="campaign_khoi", allowed=WARD_STAFF, ok=302),
    # The ward records the upper level's answer: the role first (403 whatever the report), then another ward's: 404.
    Route("reviews/{pk}/report/{report_pk}/answer/", PAGE, object="upper_report", allowed=WARD_STAFF),
]
