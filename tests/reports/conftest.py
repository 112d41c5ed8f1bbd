"""Fixtures of the reports tests: the review's papers and the campaign's results (test_review_papers.py,
test_campaign_results.py) read Hưng Bình's periodic review of 2025, five khối 1 households decided."""

from datetime import date

import pytest

from reviews import services
from tests.reviews.conftest import ESCAPED_SURVEY, POOR_SURVEY, review_of, to_posted

from ..factories import HouseholdFactory, MemberFactory

NEAR_POOR_SURVEY = {"income_per_capita": 1_500_000, "deprivations": []}


@pytest.fixture
def officer(world):
    return world.users["ward_officer_hb"]


@pytest.fixture
def leader(world):
    leader = world.users["ward_leader_hb"]
    leader.first_name, leader.last_name, leader.position = "Nhàn", "Hồ Thị", "Phó Chủ tịch UBND phường"
    leader.save()
    return leader


@pytest.fixture
def households(world):
    """Khối 1: poor stays poor, poor escapes, near-poor falls back, poor becomes near-poor, near-poor escapes;
    khối 2: one poor household; Quang Trung: one poor household."""
    made = {
        "stays": HouseholdFactory(khoi=world.hb_k1, code="K1-01", head_name="Nguyễn Thị Hường", status="poor"),
        "escapes": HouseholdFactory(khoi=world.hb_k1, code="K1-02", head_name="Trần Văn Đức", status="poor"),
        "falls": HouseholdFactory(khoi=world.hb_k1, code="K1-03", head_name="Lê Thị Ngọc Ánh", status="near_poor"),
        "nearer": HouseholdFactory(khoi=world.hb_k1, code="K1-04", head_name="Phạm Quốc Bảo", status="poor"),
        "up": HouseholdFactory(khoi=world.hb_k1, code="K1-05", head_name="Võ Thị Yến", status="near_poor"),
        "k2": HouseholdFactory(khoi=world.hb_k2, code="K2-01", head_name="Đặng Văn Khối Hai", status="poor"),
        "qt": HouseholdFactory(khoi=world.qt_k1, code="QT-01", head_name="Bùi Văn Quang", status="poor"),
    }
    MemberFactory(household=made["stays"], full_name="Nguyễn Thị Hường", relation="Chủ hộ", birth_date=date(1970, 3, 2))
    MemberFactory(household=made["stays"], full_name="Hoàng Minh Đạt", relation="Con", gender="male")
    return made


@pytest.fixture
def campaign(world, officer, households):
    return services.campaign_open(by=officer, ward=world.hb, kind="periodic", year=2025)


SURVEYS = {
    "stays": POOR_SURVEY,
    "escapes": ESCAPED_SURVEY,
    "falls": POOR_SURVEY,
    "nearer": NEAR_POOR_SURVEY,
    "up": ESCAPED_SURVEY,
}


@pytest.fixture
def decided(campaign, officer, leader, households):
    reviews = [
        to_posted(campaign, review_of(campaign, households[key]), officer=officer, survey=survey)
        for key, survey in SURVEYS.items()
    ]
    services.upper_report_record(by=officer, campaign=campaign, sent_on=date(2025, 11, 10), number="150/BC-UBND")
    return services.decision_issue(
        by=leader, campaign=campaign, number="215/QĐ-UBND", signed_on=date(2025, 11, 20), reviews=reviews
    )


@pytest.fixture
def pdf_not_rendered(monkeypatch):
    """The review's papers and the campaign's results as a stub PDF, for tests of who gets what and of queries:
    WeasyPrint is not under test there."""
    from reports import campaign_results, review_papers

    def stub(*args, **kwargs):
        return b"%PDF-1.7 test"

    monkeypatch.setattr(review_papers, "render_pdf", stub)
    monkeypatch.setattr(campaign_results, "render_pdf", stub)
