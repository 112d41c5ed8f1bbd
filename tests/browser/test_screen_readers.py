"""Screen readers and print: every aria-describedby (and label, controls) points at an element that exists
on every form page, a failed save puts the focus on the first error, and a printed household page shows the
household, not the menu and buttons."""

import subprocess
from pathlib import Path

import pytest

from ..factories import HouseholdFactory, KhoiFactory, MemberFactory, WardFactory, WardOfficerFactory
from .chromium import WIDE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp")

# After the page's scripts ran (the calendar buttons, the date words): every id reference resolves.
DANGLING = """
() => {
  const missing = [];
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls", "for"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) missing.push(`${el.tagName.toLowerCase()} ${attr}=${id}`);
      }
    }
  }
  return missing;
}
"""

DESCRIPTION = """
(el) => (el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean)
  .map((id) => document.getElementById(id).textContent.trim()).join(" | ")
"""


@pytest.fixture
def officer_page(browser, live_server):
    ward = WardFactory(name="Hưng Bình")
    household = HouseholdFactory(khoi=KhoiFactory(ward=ward, name="Khối 1"), code="HB-0001")
    member = MemberFactory(household=household)
    officer = WardOfficerFactory(username="canbo", ward=ward)
    context = browser.new_context(viewport=WIDE, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", "hungbinh@2025")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    yield page, household, member
    context.close()


def submit(page):
    page.locator("main form.form button[type=submit].primary").first.click()
    page.wait_for_load_state()


def test_every_form_page_links_its_descriptions_and_focuses_the_first_error(live_server, officer_page):
    page, household, member = officer_page
    base = f"{live_server.url}/households"
    # Each page, and how to make its save fail.
    forms = [
        (f"{base}/new/", lambda: page.fill("#id_head_name", ""), "id_head_name"),
        (f"{base}/{household.pk}/edit/", lambda: page.fill("#id_code", ""), "id_code"),
        (f"{base}/{household.pk}/status/", lambda: page.fill("#id_effective_on", "31/02/2025"), "id_effective_on"),
        (f"{base}/{household.pk}/members/new/", lambda: page.fill("#id_birth_date", "08/15/2010"), "id_full_name"),
        (
            f"{base}/{household.pk}/members/{member.pk}/edit/",
            lambda: page.fill("#id_id_number", "12345"),
            "id_id_number",
        ),
    ]
    for url, break_it, first_error in forms:
        page.goto(url)
        assert page.evaluate(DANGLING) == [], url
        break_it()
        submit(page)
        assert page.locator(".has-error").count() >= 1, url
        assert page.evaluate(DANGLING) == [], url
        focused = page.evaluate("document.activeElement.id")
        assert focused == first_error, (url, focused)
        # The error is read with the field.
        error_text = page.locator(f"#{first_error}_error").inner_text()
        assert error_text in page.locator(f"#{first_error}").evaluate(DESCRIPTION), url
    page.screenshot(path=str(SCREENSHOTS / "ux-aria-member-error.png"))


def test_a_date_field_is_described_by_its_help_and_its_words(live_server, officer_page):
    page, household, _member = officer_page
    page.goto(f"{live_server.url}/households/{household.pk}/status/")
    page.fill("#id_effective_on", "15/08/2024")
    description = page.locator("#id_effective_on").evaluate(DESCRIPTION)
    assert "Ngày ký quyết định." in description and "ngày 15 tháng 8 năm 2024" in description


def test_a_printed_household_page_shows_the_household_not_the_controls(live_server, officer_page, tmp_path):
    page, household, _member = officer_page
    page.goto(f"{live_server.url}/households/{household.pk}/")
    page.emulate_media(media="print")
    for hidden in (".topbar .site-nav", ".account", ".lang", ".page-head .actions", ".breadcrumb", ".footer"):
        assert not page.locator(hidden).first.is_visible(), hidden
    for shown in ("h1", "[data-testid=household-facts]", "[data-testid=members]", "[data-testid=change-history]"):
        assert page.locator(shown).first.is_visible(), shown
    assert household.code in page.locator("h1").inner_text()
    pdf = tmp_path / "household.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=False).stdout
    if text:  # pdftotext comes with poppler-utils, like pdftoppm.
        assert household.head_name in text
        assert "Đăng xuất" not in text and "Sửa" not in text
