"""The links to the review's papers on the reviews pages, on a phone and a wide screen (docs/documents.md)."""

from pathlib import Path

import pytest

from .chromium import PHONE, WIDE
from .test_review_survey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp")


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (WIDE, "wide")])
def test_papers_card_fits_and_links_are_tap_targets(browser, live_server, campaign, viewport, name):
    context = browser.new_context(
        viewport=viewport, device_scale_factor=1, is_mobile=name == "phone", has_touch=name == "phone"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "canbo")
    khoi = campaign.ward.khois.order_by("position").first()
    for path, shot in ((f"/reviews/{campaign.pk}/", "board"), (f"/reviews/{campaign.pk}/khoi/{khoi.pk}/", "khoi")):
        page.goto(f"{live_server.url}{path}")
        card = page.get_by_test_id("papers")
        links = card.locator("a")
        assert links.count() >= 1
        for i in range(links.count()):
            box = links.nth(i).bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44, (path, i, box)
            assert (
                links.nth(i).get_attribute("href").split("?")[0].endswith((".pdf", ".xlsx"))
            )  # the campaign results have a workbook too, and a khối's (?khoi=)
        assert "Giấy tờ (PDF)" in card.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(SHOTS / f"review-papers-{shot}-{name}.png"), full_page=True)
    response = page.request.get(f"{live_server.url}/reports/reviews/{campaign.pk}/khoi/{khoi.pk}/households.pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    context.close()
