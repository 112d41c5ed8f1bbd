"""Fixtures of the reviews tests: a periodic campaign of Hưng Bình with households in two khối."""

from datetime import date

import pytest

from reviews import services
from reviews.models import Review
from tests.factories import HouseholdFactory


@pytest.fixture
def officer(world):
    return world.users["ward_officer_hb"]


@pytest.fixture
def leader(world):
    return world.users["ward_leader_hb"]


@pytest.fixture
def member(world):
    return world.users["khoi_member_hb_k1"]


@pytest.fixture
def households(world):
    """Khối 1: two poor, one near-poor, one not poor; khối 2: one poor; Quang Trung: one poor."""
    return {
        "p1": HouseholdFactory(khoi=world.hb_k1, code="K1-01", status="poor"),
        "p2": HouseholdFactory(khoi=world.hb_k1, code="K1-02", status="poor"),
        "n1": HouseholdFactory(khoi=world.hb_k1, code="K1-03", status="near_poor"),
        "x1": HouseholdFactory(khoi=world.hb_k1, code="K1-04", status="not_poor"),
        "p3": HouseholdFactory(khoi=world.hb_k2, code="K2-01", status="poor"),
        "qt": HouseholdFactory(khoi=world.qt_k1, code="QT-01", status="poor"),
    }


@pytest.fixture
def campaign(world, officer, households):
    """The periodic review of autumn 2025: classes of 2026, under Nghị định 07/2021."""
    return services.campaign_open(by=officer, ward=world.hb, kind="periodic", year=2025)


def review_of(campaign, household):
    return Review.objects.get(campaign=campaign, household=household)


POOR_SURVEY = {"income_per_capita": 1_500_000, "deprivations": ["viec_lam", "bao_hiem_y_te", "nha_tieu"]}
ESCAPED_SURVEY = {"income_per_capita": 2_500_000, "deprivations": []}


def to_verified(review, *, officer, survey=POOR_SURVEY):
    """Drive one review from the list to verified: surveyed, submitted and checked, ready for its khối's meeting."""
    services.review_save(by=officer, review=review, **survey)
    services.review_submit(by=officer, review=review)
    services.review_verify(by=officer, review=review)
    review.refresh_from_db()
    return review


def to_posted(campaign, review, *, officer, survey, starts_on=date(2025, 11, 3), agreed=10, attendees=12):
    """Drive one review from the list to the posting (Monday 3/11/2025: posted through Wednesday 5/11)."""
    review = to_verified(review, officer=officer, survey=survey)
    services.meeting_record(
        by=officer,
        campaign=campaign,
        khoi=review.khoi,
        held_on=date(2025, 10, 20),
        attendees=attendees,
        votes=[(review, agreed)],
    )
    services.posting_open(by=officer, campaign=campaign, khoi=review.khoi, starts_on=starts_on)
    review.refresh_from_db()
    return review
