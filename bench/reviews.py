"""Reviews: a campaign of 5,000 households (docs/reviews.md).

- The board and a khối's list: the same number of queries for a campaign of 100
  and of 5,000 households; the board's time beside the bare GROUP BY it runs on.
- The decision over 5,000 posted reviews: its queries (bulk writes with history,
  certificates, events) and its time beside a bare bulk update of the same
  households' status. Both run inside a transaction that is rolled back, so the
  bench can be run again on the same data.
"""

from datetime import timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.models import Household
from households.rules import Status, escaped_on_after_change
from hungbinh.accounts.models import User
from hungbinh.accounts.roles import Role
from reviews import services
from reviews.models import Campaign, Posting, Review, ReviewState, UpperLevelReport
from reviews.selectors import standard_for_status_year

from .data import bench_ward, ensure_households
from .measure import Figure, _client, median_time

CLASSES = [Status.POOR, Status.NEAR_POOR, Status.AVERAGE, Status.NOT_POOR]
YEAR = 2025  # a periodic campaign of 2025 sets the classes of 2026 (Nghị định 07/2021)


def review_ward(code: str, count: int, *, khoi_count: int = 10, seed: int = 3, province: str = "044"):
    """A bench ward of `count` households (its earlier campaigns removed first, so it can be regenerated).

    Each ward of the bench takes its own `province` so that generated ID numbers never collide.
    """
    Campaign.objects.filter(ward=bench_ward(code, khoi_count=khoi_count).ward).delete()
    return ensure_households(code, count, khoi_count=khoi_count, seed=seed, province=province)


def posted_campaign(bench) -> Campaign:
    """A periodic campaign listing every household of the ward, each review posted (the posting over) with a class."""
    Campaign.objects.filter(ward=bench.ward).delete()
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        ward=bench.ward,
        kind="periodic",
        year=YEAR,
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=30),
        standard=standard_for_status_year(YEAR + 1),
    )
    postings = {
        khoi.pk: Posting.objects.create(
            campaign=campaign, khoi=khoi, starts_on=today - timedelta(days=20), ends_on=today - timedelta(days=10)
        )
        for khoi in bench.khois
    }
    rows = Household.objects.filter(ward=bench.ward).order_by("pk").values_list("pk", "khoi_id", "status")
    Review.objects.bulk_create(
        (
            Review(
                campaign=campaign,
                household_id=pk,
                khoi_id=khoi_id,
                from_status=status,
                state=ReviewState.POSTED,
                income_per_capita=1_500_000,
                proposed_status=CLASSES[n % len(CLASSES)],
                posting=postings[khoi_id],
            )
            for n, (pk, khoi_id, status) in enumerate(rows.iterator())
        ),
        batch_size=1000,
    )
    UpperLevelReport.objects.create(
        campaign=campaign, sent_on=today - timedelta(days=5), addressee="Chủ tịch UBND tỉnh"
    )
    return campaign


def _leader(bench) -> User:
    leader, made = User.objects.get_or_create(
        username=f"bench_{bench.ward.code.lower()}_leader",
        defaults={"role": Role.WARD_LEADER, "ward": bench.ward, "first_name": "Lãnh đạo"},
    )
    if made:
        leader.set_unusable_password()
        leader.save()
    return leader


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return len(queries)


BARE_BOARD_SQL = "SELECT khoi_id, state, COUNT(*) FROM reviews_review WHERE campaign_id = %s GROUP BY khoi_id, state"


def measure_board(*, large, small, repeat: int) -> Figure:
    figure = Figure(
        f"Reviews: campaign board, {Review.objects.filter(campaign__ward=large.ward).count():,} households",
        goal="same queries for the small and the large campaign (board and khối list)",
    )
    counts = {}
    for label, bench in (("small", small), ("large", large)):
        campaign = Campaign.objects.get(ward=bench.ward)
        client = _client(bench.officer)
        board = reverse("reviews-campaign", args=[campaign.pk])
        khoi = reverse("reviews-khoi", args=[campaign.pk, bench.khois[0].pk])
        counts[label] = (_queries(client, board), _queries(client, khoi))
    campaign = Campaign.objects.get(ward=large.ward)
    client = _client(large.officer)
    url = reverse("reviews-campaign", args=[campaign.pk])
    app = median_time(lambda: client.get(url), repeat)

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(BARE_BOARD_SQL, [campaign.pk])
            cursor.fetchall()

    baseline = median_time(bare, repeat)
    figure.measured, figure.baseline = f"{app * 1000:.1f} ms", f"{baseline * 1000:.1f} ms"
    figure.ratio = f"{app / baseline:.1f}×" if baseline else ""
    figure.met = counts["small"] == counts["large"]
    figure.notes.append(
        "queries (board, khối list): {} for {:,} households, {} for {:,}".format(
            counts["small"],
            Review.objects.filter(campaign__ward=small.ward).count(),
            counts["large"],
            Review.objects.filter(campaign__ward=large.ward).count(),
        )
    )
    return figure


class _Rollback(Exception):
    pass


def _rolled_back(function):
    """Run `function` in a transaction that is rolled back; returns (seconds, queries, its result)."""
    outcome = {}
    try:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                start = timezone.now()
                outcome["result"] = function()
                outcome["seconds"] = (timezone.now() - start).total_seconds()
            outcome["queries"] = len(queries)
            raise _Rollback
    except _Rollback:
        pass
    return outcome["seconds"], outcome["queries"], outcome["result"]


def measure_decision(*, large, max_queries: int = 150) -> Figure:
    campaign = Campaign.objects.get(ward=large.ward)
    reviews = list(Review.objects.filter(campaign=campaign, state=ReviewState.POSTED).select_related("household"))
    figure = Figure(
        f"Reviews: decision over {len(reviews):,} reviews",
        goal=f"≤ {max_queries} queries (bulk writes with history), time beside a bare bulk update",
    )
    leader = _leader(large)
    signed_on = timezone.localdate()

    def decide():
        return services.decision_issue(
            by=leader, campaign=campaign, number="BENCH/QĐ-UBND", signed_on=signed_on, reviews=reviews
        )

    seconds, queries, _decision = _rolled_back(decide)

    def bare():
        households = [r.household for r in reviews]
        for review, household in zip(reviews, households, strict=True):
            household.escaped_poverty_on = escaped_on_after_change(
                current=household.status,
                new=review.proposed_status,
                effective_on=signed_on,
                escaped_on=household.escaped_poverty_on,
            )
            household.status, household.status_since = review.proposed_status, signed_on
        Household.objects.bulk_update(households, ["status", "status_since", "escaped_poverty_on"], batch_size=500)

    bare_seconds, bare_queries, _ = _rolled_back(bare)
    figure.measured, figure.baseline = (
        f"{seconds:.2f} s ({queries} queries)",
        f"{bare_seconds:.2f} s ({bare_queries} queries)",
    )
    figure.ratio = f"{seconds / bare_seconds:.1f}×" if bare_seconds else ""
    figure.met = queries <= max_queries
    figure.notes.append(
        "the decision also writes the history rows, the status changes with their movement, the certificates "
        "and the review events; the baseline only sets status and date"
    )
    return figure
