"""The reports' routes in the permission matrix (tests/security/matrix.py).

A report of a ward is its staff's and the upper level's (reports/selectors.py, may_see_ward_reports); the
consolidated tables of an upper-level unit are that unit's; a job is only ever its asker's; the review's
papers follow the reviews' scope (tests/security/matrix_world.py builds every object).
"""

from ..security.matrix import ALL_ROLES, API, PAGE, Route

READERS = frozenset({"admin", "ward_leader_hb", "ward_officer_hb", "upper_level", "ward_officer_qt"})
SUBMITTERS = READERS - {"upper_level"}
UPPER = frozenset({"admin", "upper_level"})
# The campaign's ward-wide papers (its list, results, decision): a khối member, who sees the campaign, gets a 403
# (its khối's list and certificates are its own routes).
WARD_WIDE = ALL_ROLES - {"khoi_member_hb_k1"}


def by_khoi(path):
    """The campaign's results of one khối (`?khoi=<id>`): of its own campaign, which whoever sees the khối may read
    (a khối member their own; another khối is a 404), and another ward's khối asked of Hưng Bình's campaign,
    which is no khối of it (404 for everyone). The matrix asks them as it asks paths (tests/security/matrix.py)."""
    return (
        Route(path, PAGE, object="campaign_khoi", query="khoi={khoi_id}"),
        Route(path, PAGE, object="campaign_any_khoi", query="khoi={khoi_id}"),
    )


def results(path, **params):
    """A results route, asked about a ward and about an upper-level unit."""
    upper = Route(path, PAGE, object="upper", allowed=UPPER, params=(("level", "upper"), *params.items()))
    return Route(path, PAGE, object="ward", allowed=READERS, params=(("level", "ward"), *params.items()), also=(upper,))


ROUTES = [
    Route("reports/", PAGE),
    # Scoped lists: each role gets its own households (tests/reports/test_household_export.py).
    Route("reports/households.xlsx", PAGE),
    Route("reports/households.pdf", PAGE),
    Route("reports/jobs/", PAGE),
    Route("reports/jobs/{pk}/", PAGE, object="job"),
    Route("reports/jobs/{pk}/status/", PAGE, object="job"),
    Route("reports/jobs/{pk}/download/", PAGE, object="job"),
    # A finished job has nothing to retry: back to it.
    Route("reports/jobs/{pk}/retry/", PAGE, "post", object="job", ok=302),
    # The plans are drafts: "no official document before it is issued" (409), after the scope (404).
    Route("reports/plans/{pk}.pdf", PAGE, object="plan", ok=409),
    Route("reports/population/{ward_id}/{year}/", PAGE, object="ward", allowed=READERS, params=(("year", "2025"),)),
    results("reports/results/{level}/{unit_id}/{period}/", period="2025"),
    results("reports/results/{level}/{unit_id}/{period}.pdf", period="2025"),
    results("reports/results/{level}/{unit_id}/{period}.xlsx", period="2025"),
    results("reports/results/{level}/{unit_id}/{period}/{name}.svg", period="2025", name="rates"),
    # The detailed lists behind the tables: the same readers as the tables.
    results("reports/lists/{level}/{unit_id}/{period}/", period="2025"),
    results("reports/lists/{level}/{unit_id}/{period}.{extension}", period="2025", extension="xlsx"),
    # The review's papers. An application is Mẫu 01/04 of a household that asked (409 for a listed one); a
    # refusal is a regular review's (409 for a periodic one): the scope is checked before.
    Route("reports/reviews/applications/{pk}.pdf", PAGE, object="review", ok=409),
    Route("reports/reviews/refusals/{pk}.pdf", PAGE, object="review", ok=409),
    Route("reports/reviews/certificates/{pk}.pdf", PAGE, object="certificate"),
    Route("reports/reviews/decisions/{pk}.pdf", PAGE, object="decision", allowed=WARD_WIDE, lookup_first=True),
    Route("reports/reviews/decisions/{pk}/certificates.pdf", PAGE, object="decision"),
    Route("reports/reviews/meetings/{pk}.pdf", PAGE, object="meeting"),
    Route("reports/reviews/postings/{pk}.pdf", PAGE, object="posting"),
    Route("reports/reviews/{pk}/households.pdf", PAGE, object="campaign", allowed=WARD_WIDE, lookup_first=True),
    Route("reports/reviews/{pk}/khoi/{khoi_id}/households.pdf", PAGE, object="campaign_khoi"),
    Route(
        "reports/reviews/{pk}.pdf",
        PAGE,
        object="campaign",
        allowed=WARD_WIDE,
        lookup_first=True,
        also=by_khoi("reports/reviews/{pk}.pdf"),
    ),
    Route(
        "reports/reviews/{pk}.xlsx",
        PAGE,
        object="campaign",
        allowed=WARD_WIDE,
        lookup_first=True,
        also=by_khoi("reports/reviews/{pk}.xlsx"),
    ),
    # The results page: a khối member asking for the ward's is taken to their own khối's (?khoi=).
    Route(
        "reports/reviews/{pk}/results/",
        PAGE,
        object="campaign",
        answers=(("khoi_member_hb_k1", 302),),
        also=by_khoi("reports/reviews/{pk}/results/"),
    ),
    # Submissions to the upper level: a bad period is a 400 for those who may submit (nothing is frozen).
    Route("reports/submissions/", PAGE),
    Route(
        "reports/submissions/submit/{ward_id}/{period}/",
        PAGE,
        "post",
        object="ward",
        allowed=SUBMITTERS,
        ok=400,
        params=(("period", "x"),),
    ),
    Route("reports/submissions/{pk}.{extension}", PAGE, object="submission", params=(("extension", "pdf"),)),
    Route("api/v1/reports/", API),
    Route("api/v1/reports/{pk}/", API, object="submission"),
    Route("api/v1/reports/{pk}/download/", API, object="submission"),
    Route(
        "reports/progress/{ward_id}/{period}.{extension}",
        PAGE,
        object="ward",
        allowed=READERS,
        params=(("period", "2025"), ("extension", "xlsx")),
    ),
]
