"""On a 360-px phone every tap target is at least 44 × 44 px, the list card is one target, the dashboard
table is not clipped and the search placeholder fits — in Vietnamese and in English."""

import datetime
from pathlib import Path

import pytest

from ..factories import HouseholdFactory, KhoiFactory, MemberFactory, WardFactory, WardOfficerFactory
from .chromium import ENGLISH_CHROMIUM_ARGS, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp")
MIN = 44

# Every visible control, and for a checkbox or a radio its label (the target a thumb hits). Links inside a
# sentence are exempt (WCAG 2.5.8, "inline"); so is the skip link, off screen until focused. A list card
# ([data-card]) counts as the target of its link, which covers it.
SMALL_TARGETS = """
() => {
  const small = [];
  const controls = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]");
  for (const el of controls) {
    if (el.closest("p, .help, .explain") || el.classList.contains("skip-link")) continue;
    // A list card is one target: its link covers the card.
    let target = el.closest("[data-card]") || el;
    if (el.matches("input[type=checkbox], input[type=radio]")) target = el.closest("label") || el.parentElement;
    const box = target.getBoundingClientRect();
    const style = getComputedStyle(target);
    if (!box.width || !box.height || style.visibility === "hidden") continue;
    if (box.width < 44 - 0.5 || box.height < 44 - 0.5) {
      small.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || "").trim().slice(0, 30)}" `
        + `${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return small;
}
"""

PLACEHOLDER_FITS = """
(input) => {
  const style = getComputedStyle(input);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [context.measureText(input.placeholder).width, room];
}
"""


@pytest.fixture(scope="module")
def chromium_args():
    return ENGLISH_CHROMIUM_ARGS


@pytest.fixture
def registry():
    ward = WardFactory(name="Hưng Bình")
    khois = [KhoiFactory(ward=ward, name=f"Khối {n}", position=n) for n in (1, 2, 15)]
    statuses = ["poor", "near_poor", "average", "not_poor"]
    households = []
    for n, khoi in enumerate(khois * 4):
        household = HouseholdFactory(khoi=khoi, code=f"HB-{n:04d}", status=statuses[n % 4])
        households.append(household)
    households[1].escaped_poverty_on = datetime.date.today() - datetime.timedelta(days=30)
    households[1].save()
    MemberFactory(household=households[0], birth_date=datetime.date(2015, 5, 1))
    MemberFactory(household=households[0], birth_date=datetime.date(1985, 5, 1), is_disabled=True)
    return WardOfficerFactory(username="canbo", ward=ward), households[0]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_phone_targets_cards_table_and_placeholder(browser, live_server, registry, prefix):
    officer, household = registry
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}{prefix}/accounts/login/")
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", "hungbinh@2025")
    page.locator("form.form button[type=submit]").tap()
    page.wait_for_url(f"{live_server.url}{prefix}/")
    member = household.members.first()
    pages = [
        "/",
        "/households/",
        f"/households/{household.pk}/",
        f"/households/{household.pk}/members/{member.pk}/edit/",
        "/households/new/",
    ]
    for path in pages:
        page.goto(f"{live_server.url}{prefix}{path}")
        assert page.evaluate(SMALL_TARGETS) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path

    # The dashboard's table fits the screen: no column is cut off.
    page.goto(f"{live_server.url}{prefix}/")
    table = page.locator("table.counts").bounding_box()
    assert table["x"] >= 0 and table["x"] + table["width"] <= PHONE["width"]
    page.screenshot(path=str(SCREENSHOTS / f"ux-phone-dashboard{prefix.replace('/', '-')}.png"), full_page=True)

    # The search placeholder is read whole; the list card is one target.
    page.goto(f"{live_server.url}{prefix}/households/")
    text_width, room = page.locator("input[name=q]").evaluate(PLACEHOLDER_FITS)
    assert text_width <= room, (text_width, room)
    card = page.get_by_test_id("household-row").first
    box = card.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] - 12, box["y"] + box["height"] - 12)  # Far from the name.
    page.wait_for_url("**/households/*/")
    context.close()
