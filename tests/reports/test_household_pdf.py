"""/reports/households.pdf: the registry's filters as a landscape document, read back and compared with the data."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from households.models import PersonalDataAccess

from ..factories import HouseholdFactory, KhoiFactory, MemberFactory, UserFactory
from .pdftools import DOCUMENT_FAMILIES, embedded_families, flat_text, page_sizes, pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db

URL = "/reports/households.pdf"
AS_OF = "as_of=2025-06-01"
A4_LANDSCAPE = (842, 595)


@pytest.fixture
def registry(world):
    """Hưng Bình: HB-1 poor (Khối 1), HB-2 near-poor DTTS and HB-3 newly escaped with merit (Khối 2);
    Quang Trung: QT-1 not poor; elsewhere OUT-1."""
    hb1 = HouseholdFactory(
        khoi=world.hb_k1,
        code="HB-1",
        head_name="Nguyễn Văn An",
        status="poor",
        status_since=date(2024, 12, 15),
        address="Số 1, đường Lê Lợi",
    )
    MemberFactory(household=hb1, full_name="Nguyễn Văn An", id_number="040080001234", gender="male", relation="Chủ hộ")
    MemberFactory(household=hb1, full_name="Trần Thị Bình", relation="Vợ")
    hb2 = HouseholdFactory(
        khoi=world.hb_k2,
        code="HB-2",
        head_name="Lê Thị Cúc",
        status="near_poor",
        status_since=date(2023, 1, 5),
        ethnic_minority=True,
    )
    MemberFactory(household=hb2, full_name="Lê Thị Cúc", id_number="040185009999", relation="Chủ hộ")
    HouseholdFactory(
        khoi=world.hb_k2,
        code="HB-3",
        head_name="Trần Văn Bảo",
        status="not_poor",
        status_since=date(2024, 3, 1),
        escaped_poverty_on=date(2024, 3, 1),
        has_merit_person=True,
    )
    HouseholdFactory(khoi=world.qt_k1, code="QT-1", head_name="Phạm Thị Dung", status="not_poor")
    HouseholdFactory(khoi=world.other_k1, code="OUT-1", head_name="Hoàng Văn Ngoài", status="poor")
    return world


def get(client, world, role, query=""):
    client.force_login(world.users[role])
    return client.get(f"{URL}?{AS_OF}&{query}")


def codes(content: bytes) -> list[str]:
    return sorted(set(re.findall(r"\b(?:HB|QT|OUT)-\d+\b", pdf_text(content))))


def test_url_name():
    assert reverse("report-households-pdf") == URL


def test_the_ward_list_reads_back_with_its_data(client, registry):
    response = get(client, registry, "ward_officer_hb")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="danh-sach-ho-gia-dinh-hung-binh-2025-06-01.pdf"' in response["Content-Disposition"]
    content = response.content
    text = flat_text(content)
    for expected in (
        "ỦY BAN NHÂN DÂN",
        "PHƯỜNG HƯNG BÌNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "DANH SÁCH HỘ GIA ĐÌNH",
        "Phường Hưng Bình",
        "tính mới thoát nghèo đến ngày 01/06/2025",
        "Nguyễn Văn An",
        "Lê Thị Cúc",
        "Trần Văn Bảo",
        "Số 1, đường Lê Lợi",
        "15/12/2024",  # HB-1's status since
        "05/01/2023",
        "28/02/2027",  # HB-3 escaped on 01/03/2024: newly escaped through 28/02/2027
        "Mới thoát",
        "Tổng cộng: 3 hộ",
        "Hộ nghèo 1; Hộ cận nghèo 1",
    ):
        assert expected in text, expected
    assert codes(content) == ["HB-1", "HB-2", "HB-3"]
    # Numbered rows, in the registry's order (by given name: An, Bảo, Cúc).
    rows = re.findall(r"^\s*(\d)\s+Khối \d\s+(HB-\d)", pdf_text(content, layout=True), re.MULTILINE)
    assert rows == [("1", "HB-1"), ("2", "HB-3"), ("3", "HB-2")]
    # One ward: no ward column. ID numbers: left out unless asked for.
    assert "Số CCCD" not in text and "040080001234" not in text
    assert set(page_sizes(content)) == {A4_LANDSCAPE}


def test_fonts_are_embedded_with_vietnamese_glyphs(client, registry):
    content = get(client, registry, "ward_officer_hb").content
    fonts = pdf_fonts(content)
    assert fonts and all(f["emb"] == "yes" and f["uni"] == "yes" for f in fonts)
    assert embedded_families(content) <= DOCUMENT_FAMILIES
    assert embedded_families(content)


def test_upper_level_gets_a_ward_column_and_both_wards(client, registry):
    content = get(client, registry, "upper_level").content
    text = flat_text(content)
    assert codes(content) == ["HB-1", "HB-2", "HB-3", "QT-1"]
    assert "Phường Hưng Bình, phường Quang Trung" in text
    assert "Vinh, ngày" in text  # the unit's locality before the date (docs/documents.md)
    assert "Tổng cộng: 4 hộ" in text
    layout_text = pdf_text(content, layout=True)
    assert re.search(r"^.*Quang.*QT-1.*$", layout_text, re.MULTILINE)
    assert "Phường" in text.split("Khối")[0]  # the ward column's header, before the khối column's


def test_filters_are_in_the_title_and_the_file_name(client, registry):
    w = registry
    response = get(client, w, "ward_officer_hb", f"khoi={w.hb_k2.pk}&status=near_poor&q=le+thi")
    assert (
        'filename="danh-sach-ho-gia-dinh-hung-binh-khoi-2-ho-can-ngheo-tim-le-thi-2025-06-01.pdf"'
        in (response["Content-Disposition"])
    )
    text = flat_text(response.content)
    assert "Phường Hưng Bình – Khối 2" in text
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert (
        f"Hộ cận nghèo; Tìm “le thi”; phân loại hộ và nhân khẩu tính đến ngày {today}; "
        "tính mới thoát nghèo đến ngày 01/06/2025"
    ) in text
    assert codes(response.content) == ["HB-2"]


def test_the_list_says_what_its_dates_are_of(client, registry):
    """The classes and the member counts are the registry's today; `as_of` dates only the newly-escaped test (the
    column "Mới thoát nghèo đến", its total, the newly-escaped and target filters). The list said "tính đến ngày
    01/06/2025" over today's classes; it names both dates now, and one when they are the same day."""
    today = timezone.localdate()
    text = flat_text(get(client, registry, "ward_officer_hb").content)  # as_of=2025-06-01
    assert (
        f"Phường Hưng Bình phân loại hộ và nhân khẩu tính đến ngày {today:%d/%m/%Y}; "
        "tính mới thoát nghèo đến ngày 01/06/2025"
    ) in text
    assert "tính đến ngày 01/06/2025" not in text
    for query in (f"as_of={today:%Y-%m-%d}", ""):
        text = flat_text(client.get(f"{URL}?{query}").content)
        assert f"Phường Hưng Bình tính đến ngày {today:%d/%m/%Y}" in text, query
        assert "tính mới thoát nghèo" not in text and "phân loại hộ và nhân khẩu tính" not in text, query


def test_a_filter_matching_nothing_gives_a_document_that_says_it_is_empty(client, registry):
    response = get(client, registry, "ward_officer_hb", "q=khong+co+ai")
    assert response.status_code == 200
    text = flat_text(response.content)
    assert "Không có hộ nào khớp với bộ lọc: danh sách trống." in text
    assert "Tổng cộng: 0 hộ" in text


def test_id_numbers_when_asked_for_and_allowed_are_logged(client, registry):
    officer = registry.users["ward_officer_hb"]
    content = get(client, registry, "ward_officer_hb", "show_ids=1").content
    text = flat_text(content)
    assert "Số CCCD" in text
    assert "040080001234" in text and "040185009999" in text
    access = PersonalDataAccess.objects.get()
    # Every household's head is in the list: all three are logged, with their ID numbers shown.
    assert (access.user, access.action, access.member_count, access.id_numbers_shown) == (officer, "export", 3, True)
    assert sorted(access.household_ids) == sorted(registry.hb.households.values_list("pk", flat=True))
    assert "show_ids=1" in access.path


def test_every_list_is_logged_as_an_export_without_id_numbers(client, registry):
    get(client, registry, "upper_level")
    access = PersonalDataAccess.objects.get()
    assert (access.action, access.member_count, access.id_numbers_shown) == ("export", 4, False)


def test_without_pdf_rendering_the_list_is_a_503_saying_why_and_nothing_is_logged(client, registry, monkeypatch):
    from reports import views
    from reports.pdf import RenderingUnavailable

    def unavailable(household_list):
        raise RenderingUnavailable("apt-get install libpango-1.0-0")

    monkeypatch.setattr(views, "render_household_list_pdf", unavailable)
    response = get(client, registry, "ward_officer_hb")
    assert response.status_code == 503
    assert response.content.decode() == "Máy chủ chưa tạo được tệp PDF: apt-get install libpango-1.0-0"
    assert not PersonalDataAccess.objects.exists()  # no document was given out


def test_id_numbers_are_refused_to_the_upper_level(client, registry):
    response = get(client, registry, "upper_level", "show_ids=1")
    assert response.status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_page_numbers_from_page_two_in_the_top_margin(client, registry):
    for i in range(40):
        HouseholdFactory(khoi=registry.hb_k1, code=f"HB-{100 + i}", head_name=f"Đặng Thị Hằng {i}")
    content = get(client, registry, "ward_officer_hb").content
    pages = len(page_sizes(content))
    assert pages >= 2
    first = pdf_text(content, first=1, last=1, layout=True).strip().splitlines()
    second = pdf_text(content, first=2, last=2, layout=True).strip().splitlines()
    assert first[0].split()[0] == "ỦY"
    assert second[0].strip() == "2"
    # The header row is repeated on the next page.
    assert "Họ và tên chủ hộ" in flat_text(content, first=2, last=2)
    assert f"Tổng cộng: {43} hộ" in flat_text(content)


VISIBLE = {
    "admin": ["HB-1", "HB-2", "HB-3", "OUT-1", "QT-1"],
    "ward_leader_hb": ["HB-1", "HB-2", "HB-3"],
    "khoi_member_hb_k1": ["HB-1"],
    "ward_officer_qt": ["QT-1"],
}


@pytest.mark.parametrize("role", VISIBLE)
def test_each_role_gets_exactly_its_scope(client, registry, role):
    response = get(client, registry, role)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert codes(response.content) == VISIBLE[role]


def test_anonymous_is_sent_to_login(client, registry):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_api_token_works_like_the_session(client, registry):
    token = Token.objects.create(user=registry.users["khoi_member_hb_k1"])
    response = client.get(f"{URL}?{AS_OF}", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert codes(response.content) == ["HB-1"]


def test_a_wrong_token_is_401(client, registry):
    response = client.get(URL, HTTP_AUTHORIZATION="Token nonsense")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("role", "query"),
    [
        ("ward_officer_hb", "ward={qt}"),
        ("upper_level", "ward={other}"),
        ("khoi_member_hb_k1", "khoi={hb_k2}"),
    ],
)
def test_a_ward_or_khoi_outside_the_scope_is_not_found(client, registry, role, query):
    w = registry
    query = query.format(qt=w.qt.pk, other=w.other.pk, hb_k2=w.hb_k2.pk)
    assert get(client, w, role, query).status_code == 404


def test_invalid_filters_are_a_bad_request_that_says_why(client, registry):
    response = get(client, registry, "ward_officer_hb", "status=rich")
    assert response.status_code == 400
    assert "status" in response.content.decode()


def test_a_user_without_a_role_is_forbidden(client, registry):
    client.force_login(UserFactory(username="norole"))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("extra", [0, 25])
def test_query_count_is_bounded(client, registry, extra, django_assert_max_num_queries):
    khoi = KhoiFactory(ward=registry.hb, name="Khối 9", position=9)
    for i in range(extra):
        household = HouseholdFactory(khoi=khoi, code=f"HB-X{i}")
        MemberFactory(household=household, full_name=household.head_name, id_number=f"0400800{i:05d}")
    client.force_login(registry.users["ward_officer_hb"])
    # Session, user, the rows, the wards of the title, the access log.
    with django_assert_max_num_queries(7):
        response = client.get(f"{URL}?show_ids=1")
    assert response.status_code == 200
