"""Layout promises read from Chromium's computed layout (English Chromium, the demo's data) at 360 and 1366 px:
the dashboard's khối table stays inside its card in both languages, a refusal's reasons take the whole width of
the review page's facts, and the import page's card starts its text at its padding like the other cards."""

import pytest

from .chromium import ENGLISH_CHROMIUM_ARGS, PHONE, WIDE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# How far an element runs past the content box of its card (px; > 0 is an overflow).
PAST_THE_CARD = """e => {
  const card = e.closest(".card"), style = getComputedStyle(card);
  const box = card.getBoundingClientRect(), own = e.getBoundingClientRect();
  return own.right - (box.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight));
}"""
# The space between the top of a card's content box and its first child's border box (px).
FIRST_CHILD_GAP = """card => {
  const style = getComputedStyle(card), box = card.getBoundingClientRect();
  return card.firstElementChild.getBoundingClientRect().top
    - (box.top + parseFloat(style.borderTopWidth) + parseFloat(style.paddingTop));
}"""


@pytest.fixture(scope="module")
def chromium_args():
    return ENGLISH_CHROMIUM_ARGS


def test_pages_keep_to_their_boxes(browser, live_server, campaign):
    from reviews.models import Review

    refused = Review.objects.get(campaign__kind="regular", state="refused")
    for viewport in (PHONE, WIDE):
        context, page = log_in(browser, live_server, "canbo", viewport)
        for prefix in ("", "/en"):
            page.goto(f"{live_server.url}{prefix}/")
            tables = page.locator("table.counts")
            assert tables.count() >= 1
            for i in range(tables.count()):
                assert tables.nth(i).evaluate(PAST_THE_CARD) <= 0.5, (prefix, viewport)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

        page.goto(f"{live_server.url}/en/reviews/review/{refused.pk}/")
        facts = page.locator("dl.facts").bounding_box()
        reasons = page.get_by_test_id("refusal-reason").locator("dd").bounding_box()
        inner_right = (
            facts["x"]
            + facts["width"]
            - page.locator("dl.facts").evaluate(
                "e => parseFloat(getComputedStyle(e).borderRightWidth) + parseFloat(getComputedStyle(e).paddingRight)"
            )
        )
        assert abs(reasons["x"] + reasons["width"] - inner_right) <= 1  # to the right edge of the facts
        if viewport is PHONE:  # under its label, from the left edge
            label = page.get_by_test_id("refusal-reason").locator("dt").bounding_box()
            assert abs(reasons["x"] - label["x"]) <= 1 and reasons["y"] >= label["y"] + label["height"]
        else:  # across both columns, starting where the left column's values start
            state = page.get_by_test_id("state").bounding_box()
            assert abs(reasons["x"] - state["x"]) <= 1 and reasons["width"] > facts["width"] / 2

        page.goto(f"{live_server.url}/en/households/import/")
        card = page.locator("main section.card").first
        assert abs(card.evaluate(FIRST_CHILD_GAP)) <= 0.5
        context.close()


# How far the middle of a ticked box is from the middle of its label's text (px).
BOX_OFF_ITS_LABEL = """box => {
  const label = document.querySelector(`label[for="${box.id}"]`);
  const range = document.createRange();
  range.selectNodeContents(label);
  const text = range.getBoundingClientRect(), own = box.getBoundingClientRect();
  return Math.abs((own.top + own.bottom) / 2 - (text.top + text.bottom) / 2);
}"""


def test_boxes_sit_on_their_labels_line_and_a_state_badge_keeps_its_shape(browser, live_server, demo_data):
    # The household and member forms' check boxes sat above their labels' text (the box's own align-self:
    # flex-start), and the plan's "Issued" badge among the phone's full-width buttons stretched into a blob.
    from projects.models import Plan

    plan = Plan.objects.get(state="issued")
    for viewport in (PHONE, WIDE):
        context, page = log_in(browser, live_server, "canbo", viewport)
        for prefix in ("", "/en"):
            page.goto(f"{live_server.url}{prefix}/households/new/")
            boxes = page.locator(".form .field > input[type=checkbox]")
            assert boxes.count() >= 2
            for i in range(boxes.count()):
                assert boxes.nth(i).evaluate(BOX_OFF_ITS_LABEL) <= 2, (prefix, viewport, i)
            page.goto(f"{live_server.url}{prefix}/plans/{plan.pk}/")
            badge = page.locator(".page-head .actions > .badge").bounding_box()
            assert badge["height"] <= 30, (prefix, viewport, badge)
        context.close()
