"""The campaign's results page (reports/campaign_views.py) on a phone and a wide screen, in an English Chromium."""

from pathlib import Path

import pytest

from .chromium import ENGLISH_CHROMIUM_ARGS, PHONE, WIDE
from .test_review_survey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp")


@pytest.fixture(scope="module")
def chromium_args():
    return ENGLISH_CHROMIUM_ARGS


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (WIDE, "wide")])
def test_results_page_fits_and_links_its_downloads(browser, live_server, campaign, viewport, name):
    phone = name == "phone"
    context = browser.new_context(
        viewport=viewport, device_scale_factor=1, is_mobile=phone, has_touch=phone, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "canbo")
    page.goto(f"{live_server.url}/reviews/{campaign.pk}/")
    page.get_by_test_id("results-link").click()
    page.wait_for_url(f"{live_server.url}/reports/reviews/{campaign.pk}/results/")
    assert page.locator("h1").inner_text() == "Kết quả rà soát: Hưng Bình"
    assert page.get_by_test_id("result-row").count() == 50  # the first page of the ward's households
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    # The table's note stands under its scrolled frame: inside it, the frame's edge shadow covered its words.
    assert page.locator(".table-scroll p.table-note").count() == 0
    note = page.locator("p.table-note").first.bounding_box()
    assert note["x"] + note["width"] <= viewport["width"], note
    for link in page.get_by_test_id("downloads").locator("a").all():
        box = link.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box
    page.screenshot(path=str(SHOTS / f"campaign-results-{name}.png"), full_page=False)
    # One khối, chosen on the page; its downloads are that khối's.
    page.select_option("#id_khoi", label="Khối 2")
    page.get_by_test_id("khoi-filter").locator("button").click()
    page.wait_for_url("**/results/?khoi=*")
    assert page.locator("h1").inner_text() == "Kết quả rà soát: Khối 2"
    pdf = page.get_by_test_id("downloads").locator("a").first.get_attribute("href")
    assert "?khoi=" in pdf
    response = page.request.get(f"{live_server.url}{pdf}")
    assert response.status == 200 and response.body().startswith(b"%PDF")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"campaign-results-khoi-{name}.png"), full_page=True)
    context.close()
