"""A khối member surveys a household on a phone: the proposed class follows the figures as they are typed."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from reviews.models import Review

from .chromium import PHONE, WIDE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp")


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "hungbinh@2025")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (WIDE, "wide")])
def test_survey_proposes_as_the_member_types(browser, live_server, campaign, viewport, name):
    from hungbinh.accounts.models import User

    member = User.objects.get(username="khoi1")
    # A household of khối 1 the demo has not surveyed yet.
    review = Review.objects.filter(campaign=campaign, khoi=member.khoi, state="listed").order_by("pk").first()
    context = browser.new_context(
        viewport=viewport, device_scale_factor=1, is_mobile=name == "phone", has_touch=name == "phone"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "khoi1")
    page.goto(f"{live_server.url}/reviews/review/{review.pk}/")
    proposal = page.get_by_test_id("proposal")
    assert "Chưa xác định" in proposal.inner_text()

    # Each box sits level with its label (a box at the top of a two-line-high row read as the line above).
    for label in page.locator("fieldset.field label:has(input[type=checkbox])").all():
        field, text = label.locator("input").bounding_box(), label.bounding_box()
        assert abs((field["y"] + field["height"] / 2) - (text["y"] + text["height"] / 2)) <= 2, label.inner_text()
    page.fill("input[name=income_per_capita]", "1500000")
    for code in ("viec_lam", "bao_hiem_y_te", "nha_tieu"):
        page.check(f"input[name=deprivations][value={code}]")
    label = proposal.locator("[data-proposal-label]")
    expect(label).to_have_text("Hộ nghèo")
    expect(proposal).to_contain_text("Điểm B (B2): 30")
    page.fill("input[name=income_per_capita]", "2500000")
    expect(label).to_contain_text("trung bình")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"review-survey-{name}.png"), full_page=True)

    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_url(f"{live_server.url}/reviews/review/{review.pk}/")
    assert Review.objects.get(pk=review.pk).proposed_status == "average"
    page.goto(f"{live_server.url}/reviews/{campaign.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"review-board-{name}.png"), full_page=True)
    context.close()
