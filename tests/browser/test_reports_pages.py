"""The submissions page and the upper level's consolidated pages in an English Chromium, at 360 px and 1366 px:
nothing wider than the window (a wide table scrolls inside its wrapper), no tap target under 44 px on the
phone, every aria reference resolved. Screenshots go to /tmp/reports-*.png for a person to look at."""

from datetime import date
from pathlib import Path

import pytest

from reports.models import KhoiPopulation, Submission

from ..factories import HouseholdFactory, MemberFactory
from .chromium import ENGLISH_CHROMIUM_ARGS, PHONE, WIDE
from .test_phone_targets import SMALL_TARGETS
from .test_screen_readers import DANGLING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp")

# The tables that are wider than their wrapper, and whether the wrapper itself is what scrolls.
WIDE_TABLES = """
() => [...document.querySelectorAll("table")].map(t => {
  const wrapper = t.closest(".table-scroll");
  return {
    id: t.id || t.className,
    wrapped: !!wrapper,
    scrolls: !!wrapper && ["auto", "scroll"].includes(getComputedStyle(wrapper).overflowX),
    overflows: wrapper
      ? wrapper.scrollWidth > wrapper.clientWidth
      : t.scrollWidth > document.documentElement.clientWidth,
  };
})
"""


@pytest.fixture(scope="module")
def chromium_args():
    return ENGLISH_CHROMIUM_ARGS


@pytest.fixture
def reports(world):
    for khoi, status, members in ((world.hb_k1, "poor", 3), (world.hb_k2, "near_poor", 2), (world.qt_k1, "poor", 1)):
        for _n in range(2):
            household = HouseholdFactory(khoi=khoi, status=status, status_since=date(2024, 1, 15))
            for _m in range(members):
                MemberFactory(household=household, relation="Con", birth_date=date(2012, 3, 1))
    KhoiPopulation.objects.create(khoi=world.hb_k1, year=2025, households=120, persons=480)
    officer = world.users["ward_officer_hb"]
    for version, stage in ((1, "preliminary"), (2, "official")):
        Submission.objects.create(
            ward=world.hb, kind="results", period="2025", version=version, submitted_by=officer, state="done",
            stage=stage, pdf="submissions/x.pdf", xlsx="submissions/x.xlsx", pdf_sha256="0" * 64,
            xlsx_sha256="0" * 64,
        )  # fmt: skip
    return world


def english_page(browser, live_server, user, viewport, *, mobile):
    context = browser.new_context(
        viewport=viewport, locale="en-US", is_mobile=mobile, has_touch=mobile, device_scale_factor=1
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "hungbinh@2025")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.evaluate("navigator.language") == "en-US"
    return context, page


def check(page, live_server, path, viewport, name, *, mobile):
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200, path
    page.screenshot(path=str(SCREENSHOTS / f"reports-{name}-{viewport['width']}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], path
    for table in page.evaluate(WIDE_TABLES):
        assert table["wrapped"], (path, table)
        if table["overflows"]:
            assert table["scrolls"], (path, table)
    assert page.evaluate(DANGLING) == [], path
    if mobile:
        assert page.evaluate(SMALL_TARGETS) == [], path


@pytest.mark.parametrize(("viewport", "mobile"), [(PHONE, True), (WIDE, False)], ids=["360", "1366"])
def test_upper_level_pages(browser, live_server, reports, viewport, mobile):
    unit = reports.hb.upper_unit_id
    context, page = english_page(browser, live_server, reports.users["upper_level"], viewport, mobile=mobile)
    check(page, live_server, "/en/reports/submissions/?period=2025", viewport, "submissions-upper", mobile=mobile)
    # The upper level sees each ward's deadlines and who is late, in English.
    text = page.inner_text("main")
    assert "Preliminary results: due on 15/11/2025" in text and "Official results: due on 20/12/2025" in text
    assert page.locator('[data-testid="submission-ward"][data-state="late"]').count() >= 1
    check(page, live_server, f"/en/reports/results/upper/{unit}/2025/", viewport, "consolidated", mobile=mobile)
    check(page, live_server, f"/en/reports/lists/upper/{unit}/2025/", viewport, "lists-upper", mobile=mobile)
    check(page, live_server, "/en/reports/?year=2025", viewport, "index-upper", mobile=mobile)
    context.close()


@pytest.mark.parametrize(("viewport", "mobile"), [(PHONE, True), (WIDE, False)], ids=["360", "1366"])
def test_ward_officer_submissions_page(browser, live_server, reports, viewport, mobile):
    context, page = english_page(browser, live_server, reports.users["ward_officer_hb"], viewport, mobile=mobile)
    check(page, live_server, "/en/reports/submissions/?period=2025", viewport, "submissions-ward", mobile=mobile)
    assert page.get_by_role("button", name="Submit a new version").count() == 1
    # Each version says whether it is the preliminary or the official results; the officer chooses for the next.
    assert page.locator('[data-testid="stage"]').all_inner_texts() == ["Official results", "Preliminary results"]
    assert page.get_by_label("Submit as").count() == 1
    check(page, live_server, f"/en/reports/lists/ward/{reports.hb.pk}/2025/", viewport, "lists-ward", mobile=mobile)
    # One class at a time: the poor households, and a button for the near-poor ones with their count.
    assert page.locator('[data-testid="classes"] a[aria-current="page"]').inner_text() == "Poor households (2)"
    page.get_by_role("link", name="Near-poor households (2)").click()
    page.wait_for_url("**status=near_poor")
    assert page.locator("#table-danh-sach-ho-can-ngheo").count() == 1
    # Code, relation and gender are words read from the left, the year centred, the counts right (as in the PDF).
    aligns = page.locator("#table-danh-sach-ho-can-ngheo tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.querySelectorAll('td')].slice(1).map(c => getComputedStyle(c).textAlign))"
    )
    assert ["left", "left", "center", "left", "right", "right"] in aligns
    assert all(row[:4] == ["left", "left", "center", "left"] for row in aligns if len(row) == 6)
    # The table's note is information: the muted ink of the page's explanations, not an error's red, and under
    # the scrolled frame, whose edge shadow would cover its words.
    note = page.locator("p.table-note")
    assert note.count() == 1 and page.locator(".table-scroll p.table-note").count() == 0
    color = "e => getComputedStyle(e).color"
    assert note.evaluate(color) == page.get_by_test_id("members-now").evaluate(color) != "rgb(140, 29, 24)"
    check(page, live_server, "/en/reports/?year=2025", viewport, "index-ward", mobile=mobile)
    context.close()
