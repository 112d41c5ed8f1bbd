"""The reviews' routes in the permission matrix (tests/security/matrix.py).

Lists are asked by every role here; objects (a campaign, a review, a meeting…) are
built by the reviews' own fixtures, and their roles and scopes are checked in
tests/reviews/test_api.py.
"""

from ..security.matrix import API, PAGE, WARD_STAFF, Route

COVERED = "tests/reviews/test_api.py"
PAGES_COVERED = "tests/reviews/test_views.py"

ROUTES = [
    Route("api/v1/standards/", API),
    Route("api/v1/standards/{pk}/", API, covered_by=COVERED),
    Route("api/v1/campaigns/", API),
    Route("api/v1/campaigns/{pk}/", API, covered_by=COVERED),
    Route("api/v1/campaigns/{pk}/board/", API, covered_by=COVERED),
    Route("api/v1/reviews/", API),
    Route("api/v1/reviews/{pk}/", API, covered_by=COVERED),
    Route("api/v1/reviews/{pk}/classify/", API, covered_by=COVERED),
    Route("api/v1/reviews/{pk}/refuse/", API, covered_by=COVERED),
    Route("api/v1/reviews/{pk}/return/", API, covered_by=COVERED),
    Route("api/v1/reviews/{pk}/submit/", API, covered_by=COVERED),
    Route("api/v1/reviews/{pk}/verify/", API, covered_by=COVERED),
    Route("api/v1/meetings/", API),
    Route("api/v1/meetings/{pk}/", API, covered_by=COVERED),
    Route("api/v1/postings/", API),
    Route("api/v1/postings/{pk}/", API, covered_by=COVERED),
    # Every role lists the decisions of its wards; a khối member gets only its own khối's reviews in each
    # (test_decisions_hold_only_the_reviews_in_scope).
    Route("api/v1/decisions/", API),
    Route("api/v1/decisions/{pk}/", API, covered_by=COVERED),
    Route("api/v1/movements/", API),
    Route("api/v1/movements/{pk}/", API, covered_by="tests/reviews/test_movements.py"),
    Route("reviews/household/{pk}/movement/", PAGE, object="household", allowed=WARD_STAFF),
    Route("reviews/", PAGE),
    Route("reviews/{pk}/", PAGE, covered_by=PAGES_COVERED),
    Route("reviews/review/{pk}/", PAGE, covered_by=PAGES_COVERED),
    Route("reviews/{pk}/decision/", PAGE, covered_by=PAGES_COVERED),
    Route("reviews/{pk}/report/", PAGE, covered_by=PAGES_COVERED),
    Route("reviews/{pk}/khoi/{khoi_pk}/", PAGE, covered_by=PAGES_COVERED),
    Route("reviews/{pk}/khoi/{khoi_pk}/meeting/", PAGE, covered_by=PAGES_COVERED),
    Route("reviews/{pk}/khoi/{khoi_pk}/posting/", PAGE, covered_by=PAGES_COVERED),
    Route("reviews/{pk}/khoi/{khoi_pk}/apply/", PAGE, covered_by=PAGES_COVERED),
    Route("reviews/{pk}/khoi/{khoi_pk}/assign/", PAGE, covered_by=PAGES_COVERED),
    Route("reviews/{pk}/report/{report_pk}/answer/", PAGE, covered_by=PAGES_COVERED),
]
