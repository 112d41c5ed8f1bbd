"""axe-core (axe-playwright-python) on the pages people live on, in Debian's Chromium: a ward officer (canbo) at
1366 px and a khối member (khoi1) at 360 px, each in Vietnamese (the plain paths) and in English (/en/). No
violation of impact "serious" or "critical" is allowed; each one found is listed with its rule, help and elements.

Colour contrast is checked on the Vietnamese pages, every other rule in both languages: the two languages share
one stylesheet, so the colours of each text and its background are the same in English, and contrast took about
half of axe's time over the pages (three of the results table's four seconds).

One test, so one browser, one live server and one seeded demo for the module (a transactional test empties the
database after each test, and the demo takes seconds to seed); a fresh context for each role and language."""

import pytest

from .chromium import PHONE, WIDE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}
# Rules switched off, each with why it is a false positive here. None so far.
DISABLED_RULES: dict[str, str] = {}
# Rules checked in Vietnamese only, each with why the English pages would find the same.
VIETNAMESE_ONLY_RULES = {"color-contrast": "the same stylesheet colours both languages' text and backgrounds"}


def axe_options(language: str) -> dict:
    off = {**DISABLED_RULES, **(VIETNAMESE_ONLY_RULES if language != "vi" else {})}
    return {"resultTypes": ["violations"], "rules": {rule: {"enabled": False} for rule in off}}


def pages(role):
    """(name, path) of the pages the role uses, in the demo (households/management/commands/seed_demo.py)."""
    from households.models import Household, Khoi
    from projects.models import Plan, SubProject
    from reviews.models import Campaign, Review

    khoi = Khoi.objects.get(ward__name="Hưng Bình", name="Khối 1")
    household = Household.objects.filter(khoi=khoi).order_by("code").first()
    review = Review.objects.filter(household__khoi=khoi).order_by("id").first()
    campaign = Campaign.objects.get(ward__name="Hưng Bình", kind="periodic", year=2025)
    plan = Plan.objects.filter(ward=khoi.ward).order_by("id").first()
    subproject = SubProject.objects.filter(code="3.1").first() or SubProject.objects.order_by("id").first()
    common = [
        ("dashboard", "/"),
        ("household list", "/households/?q=Nguy%E1%BB%85n"),
        ("household", f"/households/{household.pk}/"),
        ("household form", f"/households/{household.pk}/edit/"),
        ("review board", f"/reviews/{campaign.pk}/"),
        ("khối reviews", f"/reviews/{campaign.pk}/khoi/{khoi.pk}/"),
        ("review", f"/reviews/review/{review.pk}/"),
        ("plans", "/plans/"),
        ("plan", f"/plans/{plan.pk}/"),
        ("subproject", f"/subprojects/{subproject.pk}/"),
        ("reports (progress)", "/reports/"),
    ]
    if role == "khoi1":
        return common
    return [
        *common,
        ("import", "/households/import/"),
        ("results", f"/reports/results/ward/{khoi.ward_id}/2025/"),
        ("review results", f"/reports/reviews/{campaign.pk}/results/"),
    ]


def describe(name, url, violation):
    targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:6])
    more = len(violation["nodes"]) - 6
    return (
        f"{name} ({url}): [{violation['impact']}] {violation['id']}: {violation['help']}"
        f" — {targets}{f' (+{more} more)' if more > 0 else ''}"
    )


def test_the_pages_people_use_have_no_serious_accessibility_violation(browser, live_server, demo_data):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = []
    for role, viewport, mobile in (("canbo", WIDE, False), ("khoi1", PHONE, True)):
        for language, locale, prefix in (("vi", "vi-VN", ""), ("en", "en-US", "/en")):
            context = browser.new_context(
                viewport=viewport, locale=locale, is_mobile=mobile, has_touch=mobile, device_scale_factor=1
            )
            page = context.new_page()
            page.set_default_timeout(20_000)
            page.goto(f"{live_server.url}{prefix}/accounts/login/")
            # The login page itself, before anyone has signed in.
            pages_of_role = [("login", f"{prefix}/accounts/login/"), *pages(role)]
            page.fill("input[name=username]", role)
            page.fill("input[name=password]", "hungbinh@2025")
            for index, (name, path) in enumerate(pages_of_role):
                url = path if index == 0 else f"{prefix}{path}"
                if index:
                    response = page.goto(f"{live_server.url}{url}")
                    assert response.status == 200, (role, url, response.status)
                assert page.evaluate("document.documentElement.lang") == language, (role, url)
                for violation in axe.run(page, options=axe_options(language)).response["violations"]:
                    if violation["impact"] in BLOCKING:
                        found.append(f"{role} {language} {viewport['width']}px " + describe(name, url, violation))
                if index == 0:
                    page.click("form.form button[type=submit]")
                    page.wait_for_url(lambda address: "/accounts/login/" not in address)
            context.close()
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)
