"""File boxes in an English Chromium: the button and the "no file" words are the page's language, not the
browser's, and the chosen file's name shows; the native input stays the one the keyboard reaches."""

import pytest

from ..factories import KhoiFactory, WardFactory, WardOfficerFactory
from .chromium import ENGLISH_CHROMIUM_ARGS, PHONE, WIDE
from .test_dates import english_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def chromium_args():
    return ENGLISH_CHROMIUM_ARGS


@pytest.fixture
def officer():
    ward = WardFactory(name="Hưng Bình")
    KhoiFactory(ward=ward, name="Khối 1")
    return WardOfficerFactory(username="canbo", ward=ward)


@pytest.mark.parametrize(
    ("prefix", "choose", "none"),
    [("", "Chọn tệp…", "Chưa chọn tệp nào"), ("/en", "Choose a file…", "No file chosen")],
    ids=["vi", "en"],
)
@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "wide"])
def test_the_import_file_box_speaks_the_page_language(browser, live_server, officer, viewport, prefix, choose, none):
    # The Vietnamese import page showed Chromium's own "Choose File" and "No file chosen" in English.
    page = english_page(browser, live_server, officer, viewport, mobile=viewport is PHONE)
    page.goto(f"{live_server.url}{prefix}/households/import/")
    box = page.locator(".file-pick")
    native = box.locator("input[type=file]")
    assert box.locator(".file-pick-button").inner_text() == choose
    assert box.locator(".file-pick-name").inner_text() == none
    assert native.evaluate("e => getComputedStyle(e).opacity") == "0"
    # The native input covers the drawn button: a tap on it opens the browser's chooser.
    drawn, covering = box.locator(".file-pick-button").bounding_box(), native.bounding_box()
    assert covering["x"] <= drawn["x"] and covering["x"] + covering["width"] >= drawn["x"] + drawn["width"]
    native.focus()
    assert box.locator(".file-pick-button").evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    native.set_input_files([{"name": "ho-khoi-1.xlsx", "mimeType": "application/octet-stream", "buffer": b"x"}])
    assert box.locator(".file-pick-name").inner_text() == "ho-khoi-1.xlsx"
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.context.close()
