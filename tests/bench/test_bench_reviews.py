"""The reviews' bench (bench/reviews.py) on a tiny campaign: it runs, and the decision leaves nothing behind.

The two campaigns are built once for the module (module_campaigns, in a transaction held for the module);
each test runs in a savepoint of its own, rolled back after it.
"""

import pytest

from bench import reviews
from households.models import Household, StatusChange
from reviews.models import Decision, Review

from ..conftest import held_transaction

pytestmark = pytest.mark.django_db


def make_campaigns():
    large = reviews.review_ward("BENCH-R", 120, khoi_count=4)
    small = reviews.review_ward("BENCH-RS", 20, khoi_count=4, seed=4, province="043")
    for bench in (large, small):
        reviews.posted_campaign(bench)
    return large, small


@pytest.fixture(scope="module")
def module_campaigns(django_db_setup, django_db_blocker):
    # held_transaction loads the standards first, as the migration does (an earlier transactional test may
    # have emptied them).
    yield from held_transaction(django_db_blocker, make_campaigns)


@pytest.fixture
def campaigns(module_campaigns, db, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    return module_campaigns


def test_board_queries_do_not_grow(campaigns):
    large, small = campaigns
    figure = reviews.measure_board(large=large, small=small, repeat=1)
    assert figure.met, figure.notes


def test_decision_is_measured_and_rolled_back(campaigns):
    large, _small = campaigns
    statuses = list(Household.objects.order_by("pk").values_list("status", flat=True))
    figure = reviews.measure_decision(large=large, max_queries=150)
    assert figure.met, figure.measured
    assert figure.ratio.endswith("×")
    assert not Decision.objects.exists() and not StatusChange.objects.filter(reason="decision").exists()
    assert list(Household.objects.order_by("pk").values_list("status", flat=True)) == statuses
    assert set(Review.objects.values_list("state", flat=True)) == {"posted"}
