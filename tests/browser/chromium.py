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
