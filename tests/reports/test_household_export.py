"""/reports/households.xlsx: the API's filters, scope, masking, the access log, bounded queries."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from households.importing import household_import
from households.models import PersonalDataAccess

from ..households.workbooks import build, household_row, member_row

pytestmark = pytest.mark.django_db

URL = "/reports/households.xlsx"


@pytest.fixture
def registry(world):
    """Hưng Bình: HB-1 (Khối 1, poor), HB-2 (Khối 2, near-poor); QT-1 not poor in Quang Trung; OUT-1 elsewhere."""
    admin = world.users["admin"]
    for ward, rows, members in (
        (
            world.hb,
            [
                household_row("HB-1"),
                household_row(
                    "HB-2", **{"Khối": "Khối 2", "Phân loại": "Hộ cận nghèo", "Họ và tên chủ hộ": "Lê Thị Cúc"}
                ),
            ],
            [
                member_row("HB-1"),
                member_row(
                    "HB-2",
                    **{
                        "Họ và tên": "Lê Thị Cúc",
                        "Giới tính": "Nữ",
                        "Ngày sinh": "01/01/1985",
                        "Số CCCD": "040185009999",
                    },
                ),
            ],
        ),
        (
            world.qt,
            [household_row("QT-1", **{"Phân loại": "Không nghèo"})],
            [member_row("QT-1", **{"Số CCCD": "040080005555"})],
        ),
        (world.other, [household_row("OUT-1")], []),
    ):
        result = household_import(by=admin, ward=ward, file=build(rows, members), dry_run=False)
        assert result.ok, result.errors
    return world


def login(client, world, role):
    client.force_login(world.users[role])
    return client


def workbook(response):
    content = b"".join(response.streaming_content)
    books = load_workbook(BytesIO(content))
    households = [r[1] for r in books["Hộ"].iter_rows(min_row=3, values_only=True)]
    ids = [r[5] for r in books["Thành viên"].iter_rows(min_row=3, values_only=True)]
    return sorted(households), sorted(i for i in ids if i)


VISIBLE = {
    "admin": ["HB-1", "HB-2", "OUT-1", "QT-1"],
    "ward_leader_hb": ["HB-1", "HB-2"],
    "ward_officer_hb": ["HB-1", "HB-2"],
    "khoi_member_hb_k1": ["HB-1"],
    "upper_level": ["HB-1", "HB-2", "QT-1"],
    "ward_officer_qt": ["QT-1"],
}


def test_url_name():
    assert reverse("report-households-xlsx") == URL


def test_anonymous_is_sent_to_login(client, registry):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", VISIBLE)
def test_each_role_exports_exactly_its_scope(client, registry, role):
    response = login(client, registry, role).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    # The file is named after the list: its ward(s), filters and date (docs/documents.md).
    assert response["Content-Disposition"].startswith('attachment; filename="danh-sach-ho-gia-dinh-')
    assert response["Content-Disposition"].endswith(f'-{timezone.localdate():%Y-%m-%d}.xlsx"')
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    households, _ids = workbook(response)
    assert households == VISIBLE[role]


def test_upper_level_gets_masked_id_numbers_and_the_export_is_logged(client, registry):
    response = login(client, registry, "upper_level").get(URL)
    _households, ids = workbook(response)
    assert ids == ["********1234", "********5555", "********9999"]
    access = PersonalDataAccess.objects.get()
    assert (access.action, access.id_numbers_shown, access.member_count) == ("export", False, 3)


def test_upper_level_may_not_ask_for_full_id_numbers(client, registry):
    response = login(client, registry, "upper_level").get(URL + "?show_ids=1")
    assert response.status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_upper_level_file_carries_no_ethnicity_or_disability(client, registry):
    response = login(client, registry, "upper_level").get(URL)
    members = load_workbook(BytesIO(b"".join(response.streaming_content)))["Thành viên"]
    header = [c.value for c in members[2]]
    assert "Dân tộc" not in header and "Khuyết tật" not in header


@pytest.mark.parametrize("role", ["ward_officer_hb", "khoi_member_hb_k1", "ward_leader_hb", "admin"])
def test_id_numbers_are_masked_unless_asked_for(client, registry, role):
    response = login(client, registry, role).get(URL + f"?status=poor&ward={registry.hb.pk}")
    households, ids = workbook(response)
    assert (households, ids) == (["HB-1"], ["********1234"])
    access = PersonalDataAccess.objects.get()
    assert (access.action, access.id_numbers_shown) == ("export", False)


def test_ward_staff_asking_get_full_id_numbers_and_the_export_is_logged(client, registry):
    officer = registry.users["ward_officer_hb"]
    response = login(client, registry, "ward_officer_hb").get(URL + "?status=poor&show_ids=1")
    households, ids = workbook(response)
    assert (households, ids) == (["HB-1"], ["040080001234"])
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.action, access.member_count, access.id_numbers_shown) == (officer, "export", 1, True)
    assert access.household_ids == [registry.hb.households.get(code="HB-1").pk]
    assert "status=poor" in access.path


def test_khoi_member_asking_gets_full_numbers_of_their_khoi_only(client, registry):
    response = login(client, registry, "khoi_member_hb_k1").get(URL + "?show_ids=true")
    assert workbook(response) == (["HB-1"], ["040080001234"])
    assert PersonalDataAccess.objects.get().id_numbers_shown


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?khoi={hb_k2}", ["HB-2"]),
        ("?status=near_poor", ["HB-2"]),
        ("?target=true", ["HB-1", "HB-2"]),
        ("?q=le+thi+cuc", ["HB-2"]),
        ("?ward={hb}", ["HB-1", "HB-2"]),
        ("?q=khong+co+ai", []),  # matches nothing: a valid workbook without rows (issue 9, bad input)
    ],
)
def test_filters_are_the_apis(client, registry, query, expected):
    query = query.format(hb=registry.hb.pk, hb_k2=registry.hb_k2.pk)
    response = login(client, registry, "upper_level").get(URL + query)
    assert workbook(response)[0] == expected


@pytest.mark.parametrize(
    ("role", "query"),
    [
        ("ward_officer_hb", "?ward={qt}"),
        ("ward_officer_qt", "?ward={hb}"),
        ("upper_level", "?ward={other}"),
        ("khoi_member_hb_k1", "?khoi={hb_k2}"),
        ("ward_officer_hb", "?khoi={qt_k1}"),
    ],
)
def test_a_ward_or_khoi_outside_the_scope_is_not_found(client, registry, role, query):
    w = registry
    query = query.format(hb=w.hb.pk, qt=w.qt.pk, other=w.other.pk, hb_k2=w.hb_k2.pk, qt_k1=w.qt_k1.pk)
    assert login(client, registry, role).get(URL + query).status_code == 404


def test_invalid_filters_are_a_bad_request(client, registry):
    assert login(client, registry, "ward_officer_hb").get(URL + "?status=rich").status_code == 400


def test_a_user_without_a_role_is_forbidden(client, registry):
    from ..factories import UserFactory

    client.force_login(UserFactory(username="norole"))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("extra", [0, 30])
def test_query_count_is_bounded(client, registry, extra, django_assert_max_num_queries):
    if extra:
        rows = [household_row(f"HB-X{i}") for i in range(extra)]
        members = [member_row(f"HB-X{i}", **{"Số CCCD": ""}) for i in range(extra)]
        assert household_import(
            by=registry.users["admin"], ward=registry.hb, file=build(rows, members), dry_run=False
        ).ok
    client = login(client, registry, "ward_officer_hb")
    # Session and user; the count (job or not); the title's wards (those in the list, the user's);
    # the members' total; the export (households, members); the access log.
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    assert len(workbook(response)[0]) == 2 + extra


def test_the_workbook_has_the_lists_title_totals_ward_column_and_print_setup(client, registry):
    response = login(client, registry, "upper_level").get(URL + "?target=true")
    assert 'filename="danh-sach-ho-gia-dinh-hung-binh-ho-thuoc-doi-tuong-' in response["Content-Disposition"]
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    sheet = book["Hộ"]
    title = sheet["A1"].value
    assert title.startswith("DANH SÁCH HỘ GIA ĐÌNH – Phường Hưng Bình")
    assert "Hộ thuộc đối tượng của Chương trình; tính đến ngày" in title
    assert "Tổng cộng: 2 hộ, 2 thành viên." in title
    assert "Phường" not in [c.value for c in sheet[2]]  # both households are in Hưng Bình
    everything = load_workbook(BytesIO(b"".join(login(client, registry, "upper_level").get(URL).streaming_content)))
    sheet = everything["Hộ"]
    assert "Phường Hưng Bình, phường Quang Trung" in sheet["A1"].value
    assert "Tổng cộng: 3 hộ, 3 thành viên." in sheet["A1"].value
    assert [c.value for c in sheet[2]][-1] == "Phường"  # several wards: each row names its ward
    assert sorted(row[-1] for row in sheet.iter_rows(min_row=3, values_only=True)) == [
        "Hưng Bình",
        "Hưng Bình",
        "Quang Trung",
    ]
    for ws in book.worksheets[:2]:
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$2:$2"
    one_ward = login(client, registry, "ward_officer_hb").get(URL)
    book = load_workbook(BytesIO(b"".join(one_ward.streaming_content)))
    assert "Phường" not in [c.value for c in book["Hộ"][2]]
    assert book["Hộ"]["A1"].value.startswith("DANH SÁCH HỘ GIA ĐÌNH – Phường Hưng Bình; tính đến ngày")


def test_the_workbooks_title_dates_its_rows_today_and_the_filters_test_as_of(client, registry):
    """The workbook's rows are the registry's today, its newly-escaped column included (the import format): its
    title said "tính đến ngày <as_of>". It says today now, and names `as_of` where it chose the households (a
    newly-escaped or target filter); without such a filter `as_of` changes nothing in it and is not named."""
    today = timezone.localdate().strftime("%d/%m/%Y")
    client = login(client, registry, "ward_officer_hb")

    def title(query):
        return load_workbook(BytesIO(b"".join(client.get(URL + query).streaming_content)))["Hộ"]["A1"].value

    assert (
        f"Hộ thuộc đối tượng của Chương trình; tính đến ngày {today}; "
        "lọc hộ mới thoát nghèo tính đến ngày 01/06/2025. Tổng cộng:"
    ) in title("?target=true&as_of=2025-06-01")
    plain = title("?as_of=2025-06-01")
    assert f"Phường Hưng Bình; tính đến ngày {today}. Tổng cộng:" in plain and "01/06/2025" not in plain
    assert "lọc hộ" not in title(f"?target=true&as_of={timezone.localdate():%Y-%m-%d}")


def test_a_multi_ward_export_imports_back_into_its_ward(client, registry):
    """The ward column and the title's totals do not disturb the import (docs/workbook.md)."""
    content = b"".join(login(client, registry, "admin").get(URL + "?status=poor").streaming_content)
    assert [c.value for c in load_workbook(BytesIO(content))["Hộ"][2]][-1] == "Phường"  # HB-1 and OUT-1
    result = household_import(by=registry.users["admin"], ward=registry.hb, file=BytesIO(content), dry_run=True)
    assert result.ok, result.errors
    assert result.updated == 0  # HB-1 reads back unchanged
