"""The reviews' bench (bench/reviews.py) on a tiny campaign: it runs, and the decision leaves nothing behind."""

import importlib

import pytest

from bench import reviews
from households.models import Household, StatusChange
from reviews.models import Decision, Review

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaigns(settings):
    from django.apps import apps

    settings.ALLOWED_HOSTS = ["testserver"]
    # A transactional test starts from an emptied database: the standards as the migration loads them.
    importlib.import_module("reviews.migrations.0002_standards").load(apps, None)
    large = reviews.review_ward("BENCH-R", 120, khoi_count=4)
    small = reviews.review_ward("BENCH-RS", 20, khoi_count=4, seed=4, province="043")
    for bench in (large, small):
        reviews.posted_campaign(bench)
    return large, small


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
