"""Dates in an English Chromium: typed and shown dd/mm/yyyy, read back in words, picked on a calendar."""

from datetime import date
from pathlib import Path

import pytest

from households.models import Member

from ..factories import HouseholdFactory, KhoiFactory, WardFactory, WardOfficerFactory
from .chromium import ENGLISH_CHROMIUM_ARGS, PHONE, WIDE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp")


@pytest.fixture(scope="module")
def chromium_args():
    return ENGLISH_CHROMIUM_ARGS


@pytest.fixture
def household():
    ward = WardFactory(name="Hưng Bình")
    officer = WardOfficerFactory(username="canbo", ward=ward)
    return HouseholdFactory(khoi=KhoiFactory(ward=ward, name="Khối 1"), head_name="Nguyễn Văn An"), officer


def english_page(browser, live_server, user, viewport, *, mobile=False):
    context = browser.new_context(
        viewport=viewport, locale="en-US", is_mobile=mobile, has_touch=mobile, device_scale_factor=2 if mobile else 1
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "hungbinh@2025")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.evaluate("navigator.language") == "en-US"
    return page


def add_member(page, name):
    page.fill("#id_full_name", name)
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/households/*/")


def test_english_chromium_saves_15_08_2010_as_15_august(browser, live_server, household):
    household, officer = household
    page = english_page(browser, live_server, officer, WIDE)
    new_member = f"{live_server.url}/households/{household.pk}/members/new/"

    page.goto(new_member)
    birth = page.locator("#id_birth_date")
    assert birth.get_attribute("type") == "text"
    assert birth.get_attribute("placeholder") == "dd/mm/yyyy"
    birth.fill("15/08/2010")
    words = page.locator("#id_birth_date_words")
    assert words.inner_text() == "ngày 15 tháng 8 năm 2010"
    page.screenshot(path=str(SCREENSHOTS / "ux-date-typed-wide.png"))
    add_member(page, "Trần Thị Tám")
    assert Member.objects.get(full_name="Trần Thị Tám").birth_date == date(2010, 8, 15)
    assert "15/08/2010" in page.get_by_test_id("members").inner_text()

    # Eight digits become the date they mean when the box is left; then the calendar, by keyboard only.
    page.goto(new_member)
    birth.fill("15082010")
    birth.press("Tab")
    assert birth.input_value() == "15/08/2010"
    assert words.inner_text() == "ngày 15 tháng 8 năm 2010"
    calendar_button = page.get_by_role("button", name="Chọn ngày trên lịch")
    assert calendar_button.evaluate("b => b === document.activeElement")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="tháng 8 năm 2010")
    assert dialog.is_visible()
    focused = "document.activeElement.getAttribute('aria-label')"
    assert page.evaluate(focused) == "ngày 15 tháng 8 năm 2010"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("PageDown")
    assert page.evaluate(focused) == "ngày 22 tháng 9 năm 2010"
    page.screenshot(path=str(SCREENSHOTS / "ux-date-calendar-wide.png"))
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert calendar_button.evaluate("b => b === document.activeElement")
    assert birth.input_value() == "15/08/2010"
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    assert birth.input_value() == "14/08/2010"
    assert words.inner_text() == "ngày 14 tháng 8 năm 2010"
    add_member(page, "Trần Văn Mười Bốn")
    assert Member.objects.get(full_name="Trần Văn Mười Bốn").birth_date == date(2010, 8, 14)


def test_english_interface_keeps_the_day_first_and_refuses_a_month_first_date(browser, live_server, household):
    household, officer = household
    page = english_page(browser, live_server, officer, WIDE)
    page.goto(f"{live_server.url}/en/households/{household.pk}/members/new/")
    birth = page.locator("#id_birth_date")
    birth.fill("15/08/2010")
    assert page.locator("#id_birth_date_words").inner_text() == "15 August 2010"
    birth.fill("08/15/2010")
    page.fill("#id_full_name", "Month First")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "There is no month 15" in page.locator(".field.has-error").inner_text()
    assert birth.input_value() == "08/15/2010"  # What was typed stays, to be corrected.
    assert not Member.objects.filter(full_name="Month First").exists()
    page.screenshot(path=str(SCREENSHOTS / "ux-date-error-en.png"))


def test_calendar_on_a_phone_fits_and_its_days_are_big_enough(browser, live_server, household):
    household, officer = household
    page = english_page(browser, live_server, officer, PHONE, mobile=True)
    page.goto(f"{live_server.url}/households/{household.pk}/members/new/")
    page.locator("#id_birth_date").fill("15/08/2010")
    page.get_by_role("button", name="Chọn ngày trên lịch").tap()
    dialog = page.get_by_role("dialog")
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    for day in dialog.locator("button[data-day]").all()[:3]:
        size = day.bounding_box()
        assert size["width"] >= 44 and size["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SCREENSHOTS / "ux-date-calendar-phone.png"))
    dialog.get_by_role("button", name="ngày 2 tháng 8 năm 2010").tap()
    assert page.locator("#id_birth_date").input_value() == "02/08/2010"
    # A tap outside closes an open calendar.
    page.get_by_role("button", name="Chọn ngày trên lịch").tap()
    page.locator("h1").tap()
    assert not dialog.is_visible()
