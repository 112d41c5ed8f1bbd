"""Tables wider than the screen: the campaign board and the upper level's review-result tables.

A wide table scrolls inside its own frame, never the page; the frame can be reached from the keyboard and
named; the khối column of the board stays in view while its counts scroll; a table's title wraps to the
screen instead of running off with the table; the formula of a column ("2 = 3+4+…+14") wraps so that the
twelve indicators fit a desktop screen.
"""

import pytest

from households.models import UpperUnit

from .chromium import PHONE, WIDE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def box(locator):
    return locator.bounding_box()


def test_the_board_and_the_result_tables_fit_the_screen(browser, live_server, campaign):
    context, page = log_in(browser, live_server, "canbo", PHONE)
    page.goto(f"{live_server.url}/reviews/{campaign.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    frame = page.get_by_test_id("board-scroll")
    # A frame that scrolls is a named region the keyboard can reach.
    assert frame.get_attribute("tabindex") == "0" and frame.get_attribute("role") == "region"
    assert frame.get_attribute("aria-label")
    assert frame.evaluate("e => e.scrollWidth > e.clientWidth")  # nine columns do not fit 360 px
    frame.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    late = page.get_by_role("columnheader", name="Trễ hạn")
    assert box(late)["x"] + box(late)["width"] <= PHONE["width"]
    # The khối stays in view while the counts scroll under it.
    first = page.get_by_test_id("board-row").first.locator("th")
    assert box(first)["x"] >= box(frame)["x"] - 1
    context.close()

    unit = UpperUnit.objects.get()
    url = f"{live_server.url}/reports/results/upper/{unit.pk}/2025/"
    context, page = log_in(browser, live_server, "thanhpho", PHONE)
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    titles = page.locator("h2.report-table-title")
    assert titles.count() >= 5
    for i in range(titles.count()):
        title = box(titles.nth(i))
        assert title["x"] + title["width"] <= PHONE["width"], titles.nth(i).inner_text()
    context.close()

    context, page = log_in(browser, live_server, "thanhpho", WIDE)
    page.goto(url)
    frames = page.locator(".table-scroll")
    overflowing = [
        frames.nth(i).locator("table").get_attribute("id")
        for i in range(frames.count())
        if frames.nth(i).evaluate("e => e.scrollWidth > e.clientWidth")
    ]
    assert overflowing == []  # 1366 px: every table, the twelve indicators too, fits without scrolling
    context.close()


def test_the_dashboards_khoi_table_scrolls_in_its_frame(browser, live_server, campaign):
    """At 360 px in English the dashboard's eight columns left about 4 px: a khối with a longer name (many wards
    name theirs, "Khối Tân Phúc") ran the table past its card and the page scrolled sideways. The table scrolls in
    its own frame, a named region the keyboard reaches, and at 1366 px it fits without scrolling."""
    from households.models import Khoi

    khoi = Khoi.objects.filter(ward__name="Hưng Bình").order_by("position", "name").last()
    khoi.name = "Khối Tân Phúc Đông"
    khoi.save(update_fields=["name"])
    context, page = log_in(browser, live_server, "canbo", PHONE)
    page.goto(f"{live_server.url}/en/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    frame = page.get_by_test_id("khoi-counts-scroll").first
    assert frame.get_attribute("tabindex") == "0" and frame.get_attribute("role") == "region"
    assert page.get_by_role("region", name="Households of ward Hưng Bình by khối").count() == 1
    assert frame.evaluate("e => e.scrollWidth > e.clientWidth")  # the long name does not fit 360 px
    card = page.get_by_test_id("ward").first.bounding_box()
    assert box(frame)["x"] + box(frame)["width"] <= card["x"] + card["width"]
    frame.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    targets = frame.get_by_role("columnheader", name="Targets")
    assert box(targets)["x"] + box(targets)["width"] <= PHONE["width"]
    context.close()

    context, page = log_in(browser, live_server, "canbo", WIDE)
    page.goto(f"{live_server.url}/en/")
    assert not page.get_by_test_id("khoi-counts-scroll").first.evaluate("e => e.scrollWidth > e.clientWidth")
    context.close()
