"""A khối member on a phone finds a household and sees its members (Debian's Chromium, via Playwright)."""

from pathlib import Path

import pytest

from households.models import Household

from .chromium import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp")


def new_page(browser, viewport, *, mobile):
    context = browser.new_context(
        viewport=viewport, device_scale_factor=2 if mobile else 1, is_mobile=mobile, locale="vi-VN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/?next=/households/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "hungbinh@2025")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/households/")


def assert_no_horizontal_scroll(page, width):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"horizontal scroll: page is {scroll_width}px wide"


def test_khoi1_searches_and_opens_a_household_on_a_phone(demo_data, live_server, browser):
    household = Household.objects.filter(khoi__name="Khối 1", khoi__ward__name="Hưng Bình", members__isnull=False)
    household = household.order_by("name_key").first()
    given_name = household.head_name.split()[-1]
    page = new_page(browser, PHONE, mobile=True)
    log_in(page, live_server.url, "khoi1")

    assert page.locator("h1").inner_text() == "Hộ gia đình"
    assert page.get_by_test_id("household-row").count() > 0
    assert "Quang Trung" not in page.locator("main").inner_text()
    assert_no_horizontal_scroll(page, PHONE["width"])
    page.screenshot(path=str(SCREENSHOTS / "pages-list-phone.png"), full_page=False)

    # Search without accents, as people type on a phone.
    page.fill("input[name=q]", f"{household.code} {given_name}".lower())
    page.click("button:has-text('Tìm kiếm')")
    page.wait_for_url("**/households/?q=*")
    rows = page.get_by_test_id("household-row")
    assert rows.count() == 1
    assert household.head_name in rows.first.inner_text()

    rows.first.get_by_role("link", name=household.head_name).click()
    page.wait_for_url(f"{live_server.url}/households/{household.pk}/")
    assert household.head_name in page.locator("h1").inner_text()
    members = page.get_by_test_id("member-row")
    assert members.count() == household.members.count()
    for id_cell in page.get_by_test_id("id-number").all_inner_texts():
        assert id_cell == "—" or id_cell.startswith("********")
    assert_no_horizontal_scroll(page, PHONE["width"])
    page.screenshot(path=str(SCREENSHOTS / "pages-detail-phone.png"), full_page=True)


def test_officer_list_and_detail_on_a_desktop(demo_data, live_server, browser):
    page = new_page(browser, DESKTOP, mobile=False)
    log_in(page, live_server.url, "canbo")
    # The filter panel opens by itself on a wide screen.
    assert page.locator("details.more-filters").get_attribute("open") is not None
    page.select_option("select[name=status]", "poor")
    page.click("button:has-text('Lọc')")
    page.wait_for_url("**status=poor*")
    assert page.get_by_test_id("household-row").count() == 50
    assert_no_horizontal_scroll(page, DESKTOP["width"])
    page.screenshot(path=str(SCREENSHOTS / "pages-list-desktop.png"), full_page=False)

    page.get_by_test_id("household-row").first.locator("td.name a").click()
    page.wait_for_url("**/households/*/")
    assert page.get_by_test_id("status-history").is_visible()
    assert_no_horizontal_scroll(page, DESKTOP["width"])
    page.screenshot(path=str(SCREENSHOTS / "pages-detail-desktop.png"), full_page=True)
