"""Two people acting on the same review at once: exactly one succeeds (PostgreSQL row locks)."""

import importlib
import threading
import time
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from households.models import StatusChange
from reviews import services
from reviews.models import Decision, Review

from .conftest import POOR_SURVEY, review_of, to_posted

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def standards():
    """A transactional test starts from an emptied database: load the standards as the migration does."""
    from django.apps import apps

    importlib.import_module("reviews.migrations.0002_standards").load(apps, None)


def race(review, step, *, attempts=2):
    """Run `step(review)` in `attempts` threads while the main thread holds the review's row lock, then release it."""
    results, started = [], threading.Barrier(attempts + 1)

    def attempt():
        started.wait()
        try:
            step(review)
            results.append("ok")
        except ValidationError as error:
            results.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    with transaction.atomic():
        Review.objects.select_for_update().get(pk=review.pk)
        for thread in threads:
            thread.start()
        started.wait()
        time.sleep(0.5)  # both attempts are now waiting for the lock
    for thread in threads:
        thread.join(timeout=20)
    return results


def test_two_verifications_at_once(campaign, officer, households):
    review = services.review_save(by=officer, review=review_of(campaign, households["p1"]), **POOR_SURVEY)
    services.review_submit(by=officer, review=review)
    results = race(review, lambda r: services.review_verify(by=officer, review=r))
    assert sorted(results, key=lambda r: r != "ok")[0] == "ok" and results.count("ok") == 1
    assert list(review.events.values_list("action", flat=True)) == ["save", "submit", "verify"]


def test_two_decisions_over_one_review(campaign, officer, leader, households):
    review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    services.upper_report_record(by=officer, campaign=campaign, sent_on=date(2025, 11, 10))
    numbers = iter(["10/QĐ", "11/QĐ"])
    lock = threading.Lock()

    def decide(r):
        with lock:
            number = next(numbers)
        services.decision_issue(by=leader, campaign=campaign, number=number, signed_on=date(2025, 11, 20), reviews=[r])

    results = race(review, decide)
    assert results.count("ok") == 1
    assert Decision.objects.count() == 1 and StatusChange.objects.filter(reason="decision").count() == 0
