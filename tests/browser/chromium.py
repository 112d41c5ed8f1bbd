"""Where Debian's Chromium is, how it starts here, and the window sizes the tests use."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
WIDE = {"width": 1366, "height": 768}
# An English Chromium, as many ward offices have: its own date inputs would read mm/dd/yyyy.
ENGLISH_CHROMIUM_ARGS = [*CHROMIUM_ARGS, "--lang=en-US"]


def log_in(browser, live_server, username, viewport):
    """A new English context of `viewport` size, logged in as `username` (demo password): (context, page)."""
    context = browser.new_context(viewport=viewport, device_scale_factor=1, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "hungbinh@2025")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page
