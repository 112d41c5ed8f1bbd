"""The import page in a browser: check a file, see what it changes, import the kept file without choosing it
again; on a 360-px phone every target is large enough and nothing runs off the screen."""

import pytest

from households.models import Household

from ..factories import HouseholdFactory, KhoiFactory, WardFactory, WardOfficerFactory
from ..households.workbooks import build, household_row, member_row
from .chromium import PHONE, WIDE
from .test_phone_targets import SCREENSHOTS, SMALL_TARGETS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ward = WardFactory(name="Hưng Bình")
    khoi = KhoiFactory(ward=ward, name="Khối 1", position=1)
    HouseholdFactory(khoi=khoi, code="HB-0001", status="near_poor", head_name="Lê Thị Cúc")
    return WardOfficerFactory(username="canbo", ward=ward)


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "wide"])
def test_check_see_the_changes_then_import_the_kept_file(browser, live_server, officer, tmp_path, viewport):
    file = tmp_path / "ho.xlsx"
    file.write_bytes(
        build(
            [
                household_row("HB-0002"),
                household_row(
                    "HB-0001",
                    **{"Họ và tên chủ hộ": "Lê Thị Cúc", "Phân loại": "Hộ nghèo", "Ngày công nhận": "20/12/2025"},
                ),
            ],
            [member_row("HB-0002")],
        ).getvalue()
    )
    phone = viewport is PHONE
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", "hungbinh@2025")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/households/import/")
    page.set_input_files("input[type=file]", str(file))
    page.get_by_role("button", name="Kiểm tra thử").click()
    preview = page.get_by_test_id("import-preview")
    preview.wait_for()
    assert "HB-0002" in page.get_by_test_id("households-added").inner_text()
    assert "Hộ cận nghèo" in page.get_by_test_id("status-changes").inner_text()
    assert "Nguyễn Văn An" in page.get_by_test_id("members-added").inner_text()
    assert Household.objects.count() == 1
    if phone:
        assert page.evaluate(SMALL_TARGETS) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SCREENSHOTS / f"import-preview-{viewport['width']}.png"), full_page=True)

    page.get_by_role("button", name="Nhập tệp này").click()
    page.get_by_text("Đã nhập xong").wait_for()
    assert Household.objects.count() == 2
    assert Household.objects.get(code="HB-0001").status == "poor"
    context.close()
