"""The Excel import engine: all or nothing, exact places of problems, idempotent, with history."""

import unicodedata
from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from households import importing
from households.importing import household_import
from households.models import Household, Member, StatusChange
from households.rules import ChangeReason, Status

from .workbooks import build, household_row, member_row

pytestmark = pytest.mark.django_db

H, M = "Hộ", "Thành viên"
FIRST = 4  # the title rows of workbooks.build take rows 1-2, the header row 3


def nfd(text):
    return unicodedata.normalize("NFD", text)


def run(world, file, *, dry_run=False, user="ward_officer_hb", ward=None):
    return household_import(by=world.users[user], ward=ward or world.hb, file=file, dry_run=dry_run)


def snapshot():
    return (
        Household.objects.count(),
        Member.objects.count(),
        StatusChange.objects.count(),
        Household.history.count(),
        Member.history.count(),
        sorted(Household.objects.values_list("code", "head_name", "status", "version")),
    )


@pytest.fixture
def existing(world):
    """One household with one member already in the registry of Hưng Bình."""
    result = run(
        world,
        build(
            [household_row("HB-900", **{"Họ và tên chủ hộ": "Lê Thị Cúc", "Phân loại": "Hộ cận nghèo"})],
            [
                member_row(
                    "HB-900",
                    **{
                        "Họ và tên": "Lê Thị Cúc",
                        "Giới tính": "Nữ",
                        "Số CCCD": "040185009999",
                        "Ngày sinh": "01/01/1985",
                    },
                )
            ],
        ),
    )
    assert result.ok, result.errors
    return Household.objects.get(code="HB-900")


# --- The happy path ------------------------------------------------------------------


def test_import_creates_households_members_status_and_history(world):
    officer = world.users["ward_officer_hb"]
    file = build(
        [
            household_row("HB-001"),
            household_row(
                "HB-002",
                **{
                    "Khối": "Khối 2",
                    "Họ và tên chủ hộ": "Trần Thị Bình",
                    "Phân loại": "Hộ mới thoát nghèo",
                    "Ngày công nhận": "20/12/2023",
                    "Hộ DTTS": "x",
                    "Có người có công": "có",
                },
            ),
        ],
        [
            member_row("HB-001"),
            member_row(
                "HB-001",
                **{
                    "Họ và tên": "Nguyễn Thị Hoa",
                    "Giới tính": "Nữ",
                    "Ngày sinh": "05/06/2015",
                    "Số CCCD": "",
                    "Quan hệ với chủ hộ": "Con",
                    "Khuyết tật": "1",
                },
            ),
            member_row(
                "HB-002",
                **{
                    "Họ và tên": "Trần Thị Bình",
                    "Giới tính": "Nữ",
                    "Ngày sinh": "01/02/1990",
                    "Số CCCD": "040190004321",
                },
            ),
        ],
    )
    result = run(world, file)

    assert (result.errors, result.created, result.updated) == ([], 2, 0)
    assert (result.members_created, result.members_updated) == (3, 0)
    poor = Household.objects.get(code="HB-001")
    assert (poor.khoi, poor.status, poor.status_since, poor.escaped_poverty_on) == (
        world.hb_k1,
        Status.POOR,
        date(2024, 12, 15),
        None,
    )
    escaped = Household.objects.get(code="HB-002")
    assert (escaped.khoi, escaped.status, escaped.escaped_poverty_on) == (
        world.hb_k2,
        Status.NOT_POOR,
        date(2023, 12, 20),
    )
    assert escaped.ethnic_minority and escaped.has_merit_person and escaped.name_key and escaped.search_text
    change = StatusChange.objects.get(household=poor)
    assert (change.from_status, change.to_status, change.reason, change.decision_number, change.recorded_by) == (
        "",
        Status.POOR,
        ChangeReason.IMPORT,
        "12/QĐ-UBND",
        officer,
    )
    child = Member.objects.get(full_name="Nguyễn Thị Hoa")
    assert (child.household, child.gender, child.is_disabled, child.relation, child.position) == (
        poor,
        "female",
        True,
        "Con",
        2,
    )
    assert {h.history_user for h in Household.history.all()} == {officer}
    assert {h.history_type for h in Member.history.all()} == {"+"}
    assert Member.history.filter(history_user=officer).count() == 3


def test_dry_run_writes_nothing_but_counts(world, existing):
    before = snapshot()
    file = build([household_row("HB-001"), household_row("HB-900", **{"Phân loại": "Hộ nghèo"})], [member_row()])
    result = run(world, file, dry_run=True)
    assert (result.errors, result.created, result.updated, result.members_created) == ([], 1, 1, 1)
    assert snapshot() == before


def test_title_rows_and_extra_columns_are_tolerated(world):
    file = build(
        [household_row()],
        [member_row()],
        titles=("UBND PHƯỜNG HƯNG BÌNH", "Danh sách hộ nghèo năm 2025", "", "(kèm theo Quyết định số 12)"),
    )
    assert run(world, file).created == 1


def test_decomposed_unicode_cells_match(world):
    columns = [nfd(c) for c in importing.HOUSEHOLD_COLUMNS]
    row = {
        nfd(k): nfd(v) if isinstance(v, str) else v
        for k, v in household_row(**{"Họ và tên chủ hộ": "Đặng Thị Hằng"}).items()
    }
    member = {
        k: nfd(v) if isinstance(v, str) else v
        for k, v in member_row(**{"Họ và tên": "Đặng Thị Hằng", "Giới tính": "Nữ", "Số CCCD": ""}).items()
    }
    file = build([row], [member], household_columns=columns, sheets=(nfd(H), nfd(M)))
    result = run(world, file)
    assert result.errors == []
    household = Household.objects.get()
    assert household.khoi == world.hb_k1
    assert household.head_name == unicodedata.normalize("NFC", "Đặng Thị Hằng")
    assert Member.objects.get().gender == "female"


def test_text_dates_and_real_date_cells(world):
    file = build(
        [
            household_row("HB-001", **{"Ngày công nhận": datetime(2024, 12, 15)}),
            household_row("HB-002", **{"Ngày công nhận": "5/1/2024"}),
        ],
        [
            member_row("HB-001", **{"Ngày sinh": datetime(1980, 3, 2)}),
            member_row("HB-002", **{"Họ và tên": "Hà Văn Bảo", "Ngày sinh": "07/08/2001", "Số CCCD": ""}),
        ],
    )
    assert run(world, file).errors == []
    assert Household.objects.get(code="HB-001").status_since == date(2024, 12, 15)
    assert Household.objects.get(code="HB-002").status_since == date(2024, 1, 5)
    assert Member.objects.get(household__code="HB-001").birth_date == date(1980, 3, 2)
    assert Member.objects.get(household__code="HB-002").birth_date == date(2001, 8, 7)


def test_numeric_cells_keep_codes_and_leading_zeros_of_id_numbers(world):
    # Excel turns 001080001234 typed as a number into 1080001234.
    file = build([household_row(1001)], [member_row(1001, **{"Số CCCD": 1080001234})])
    assert run(world, file).errors == []
    member = Member.objects.get()
    assert (member.household.code, member.id_number) == ("1001", "001080001234")


def test_khoi_given_as_number(world):
    assert run(world, build([household_row(**{"Khối": 2})])).errors == []
    assert Household.objects.get().khoi == world.hb_k2


# --- Re-import and updates ------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(world):
    households = [
        household_row("HB-001"),
        household_row("HB-002", **{"Phân loại": "Hộ mới thoát nghèo", "Ngày công nhận": "01/06/2024"}),
    ]
    members = [
        member_row("HB-001"),
        member_row("HB-001", **{"Họ và tên": "Nguyễn Văn Bình", "Số CCCD": "", "Ngày sinh": "01/01/2010"}),
        # Twins without ID numbers, same name and birth date: matched one to one.
        member_row("HB-002", **{"Họ và tên": "Lê Văn Tú", "Số CCCD": "", "Ngày sinh": ""}),
        member_row("HB-002", **{"Họ và tên": "Lê Văn Tú", "Số CCCD": "", "Ngày sinh": ""}),
    ]
    assert run(world, build(households, members)).created == 2
    before = snapshot()
    again = run(world, build(households, members))
    assert (again.errors, again.created, again.updated, again.members_created, again.members_updated) == (
        [],
        0,
        0,
        0,
        0,
    )
    assert snapshot() == before


def test_update_records_status_change_history_and_version(world, existing):
    leader = world.users["ward_leader_hb"]
    version = existing.version
    file = build(
        [
            household_row(
                "HB-900",
                **{
                    "Họ và tên chủ hộ": "Lê Thị Cúc",
                    "Phân loại": "Hộ nghèo",
                    "Ngày công nhận": "10/01/2025",
                    "Số quyết định": "45/QĐ-UBND",
                    "Địa chỉ": "Số 9, đường Nguyễn Du",
                },
            )
        ],
        [
            member_row(
                "HB-900",
                **{
                    "Họ và tên": "Lê Thị Cúc",
                    "Giới tính": "Nữ",
                    "Số CCCD": "040185009999",
                    "Ngày sinh": "01/01/1985",
                    "Khuyết tật": "x",
                },
            )
        ],
    )
    result = run(world, file, user="ward_leader_hb")
    assert (result.errors, result.created, result.updated, result.members_updated) == ([], 0, 1, 1)
    household = Household.objects.get(pk=existing.pk)
    assert (household.status, household.status_since, household.address) == (
        Status.POOR,
        date(2025, 1, 10),
        "Số 9, đường Nguyễn Du",
    )
    assert household.version == version + 1
    assert "nguyen du" in household.search_text
    change = household.status_changes.latest("id")
    assert (change.from_status, change.to_status, change.effective_on, change.reason, change.decision_number) == (
        Status.NEAR_POOR,
        Status.POOR,
        date(2025, 1, 10),
        ChangeReason.IMPORT,
        "45/QĐ-UBND",
    )
    assert change.recorded_by == leader
    latest = household.history.latest()
    assert (latest.history_type, latest.history_user, latest.status, latest.version) == (
        "~",
        leader,
        "poor",
        version + 1,
    )
    member = Member.objects.get(household=household)
    assert member.is_disabled
    member_history = member.history.latest()
    assert (member_history.history_type, member_history.history_user, member_history.is_disabled) == ("~", leader, True)
    assert Member.objects.count() == 1


def test_escaping_poverty_by_import_sets_the_escape_date(world):
    assert run(world, build([household_row("HB-001", **{"Phân loại": "Hộ nghèo", "Ngày công nhận": "01/01/2023"})])).ok
    result = run(
        world, build([household_row("HB-001", **{"Phân loại": "Hộ mới thoát nghèo", "Ngày công nhận": "15/12/2024"})])
    )
    assert result.updated == 1
    household = Household.objects.get()
    assert (household.status, household.escaped_poverty_on, household.status_since) == (
        Status.NOT_POOR,
        date(2024, 12, 15),
        date(2024, 12, 15),
    )


def test_member_found_by_name_and_birth_date_gets_its_id_number(world, existing):
    file = build(
        [],
        [
            member_row(
                "HB-900", **{"Họ và tên": "Lê Thị Cúc", "Giới tính": "Nữ", "Ngày sinh": "01/01/1985", "Số CCCD": ""}
            ),
            member_row(
                "HB-900", **{"Họ và tên": "Phan Văn Dũng", "Số CCCD": "040082001111", "Ngày sinh": "03/04/1982"}
            ),
        ],
    )
    result = run(world, file)
    assert (result.errors, result.updated, result.members_created, result.members_updated) == ([], 1, 1, 0)
    # The empty ID cell kept the registered number.
    assert Member.objects.get(full_name="Lê Thị Cúc").id_number == "040185009999"
    assert Member.objects.get(full_name="Phan Văn Dũng").position == 2
    assert Household.objects.get(pk=existing.pk).version == existing.version + 1


# --- Bad input: exact place, database unchanged ------------------------------------------------

BAD_INPUTS = {
    "not xlsx": (lambda: BytesIO("STT;Mã hộ\n1;HB-1\n".encode()), ("", 0, "")),
    "missing sheet": (lambda: build([household_row()], sheets=(H,)), (M, 0, "")),
    "missing column": (
        lambda: build(
            [household_row()],
            [member_row()],
            household_columns=[c for c in importing.HOUSEHOLD_COLUMNS if c != "Phân loại"],
        ),
        (H, 3, "Phân loại"),
    ),
    "khoi not in the ward": (lambda: build([household_row(**{"Khối": "Khối 7"})], [member_row()]), (H, FIRST, "Khối")),
    "duplicate code in the file": (
        lambda: build([household_row("HB-1"), household_row("HB-2"), household_row("HB-1")]),
        (H, FIRST + 2, "Mã hộ"),
    ),
    "member of an unknown household": (
        lambda: build([household_row("HB-1")], [member_row("HB-1"), member_row("HB-404", **{"Số CCCD": ""})]),
        (M, FIRST + 1, "Mã hộ"),
    ),
    "13-digit id number": (
        lambda: build([household_row()], [member_row(**{"Số CCCD": "0400800012345"})]),
        (M, FIRST, "Số CCCD"),
    ),
    "id number with letters": (
        lambda: build([household_row()], [member_row(**{"Số CCCD": "04008000123A"})]),
        (M, FIRST, "Số CCCD"),
    ),
    "id number against birth year": (
        lambda: build([household_row()], [member_row(**{"Ngày sinh": "02/03/1981"})]),
        (M, FIRST, "Số CCCD"),
    ),
    "id number against gender": (
        lambda: build([household_row()], [member_row(**{"Giới tính": "Nữ"})]),
        (M, FIRST, "Số CCCD"),
    ),
    "duplicate id number in the file": (
        lambda: build(
            [household_row("HB-1"), household_row("HB-2")],
            [member_row("HB-1"), member_row("HB-2", **{"Họ và tên": "Người Khác"})],
        ),
        (M, FIRST + 1, "Số CCCD"),
    ),
    "id number of another household": (
        lambda: build(
            [household_row("HB-1")],
            [member_row("HB-1", **{"Số CCCD": "040185009999", "Giới tính": "Nữ", "Ngày sinh": "01/01/1985"})],
        ),
        (M, FIRST, "Số CCCD"),
    ),
    "birth date in the future": (
        lambda: build(
            [household_row()], [member_row(**{"Số CCCD": "", "Ngày sinh": timezone.localdate() + timedelta(days=1)})]
        ),
        (M, FIRST, "Ngày sinh"),
    ),
    "bad date text": (
        lambda: build([household_row()], [member_row(**{"Ngày sinh": "31/02/1980"})]),
        (M, FIRST, "Ngày sinh"),
    ),
    "unknown classification": (lambda: build([household_row(**{"Phân loại": "Nghèo lắm"})]), (H, FIRST, "Phân loại")),
    "bad yes/no": (lambda: build([household_row(**{"Hộ DTTS": "có lẽ"})]), (H, FIRST, "Hộ DTTS")),
    "recognition date in the future": (
        lambda: build([household_row(**{"Ngày công nhận": timezone.localdate() + timedelta(days=3)})]),
        (H, FIRST, "Ngày công nhận"),
    ),
    "status change before the current status": (
        lambda: build([household_row("HB-900", **{"Phân loại": "Hộ nghèo", "Ngày công nhận": "01/01/2020"})]),
        (H, FIRST, "Ngày công nhận"),
    ),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
@pytest.mark.parametrize("dry_run", [True, False])
def test_bad_input_is_reported_at_its_place_and_nothing_is_written(world, existing, case, dry_run):
    make, place = BAD_INPUTS[case]
    before = snapshot()
    result = run(world, make(), dry_run=dry_run)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [place], result.errors
    assert all(e.message for e in result.errors)
    assert (result.created, result.updated) == (0, 0)
    assert snapshot() == before


def test_every_problem_is_reported_at_once_and_good_rows_are_not_written(world):
    file = build(
        [household_row("HB-1"), household_row("HB-2", **{"Khối": "Khối 99"}), household_row("HB-3")],
        [member_row("HB-1"), member_row("HB-3", **{"Số CCCD": "123"})],
    )
    result = run(world, file)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [(H, FIRST + 1, "Khối"), (M, FIRST + 1, "Số CCCD")]
    assert Household.objects.count() == 0


def test_messages_are_vietnamese_and_say_what_to_fix(world):
    from django.utils import translation

    file = build([household_row(**{"Khối": "Khối 7", "Ngày công nhận": "15-13-2024"})], sheets=("Hộ",))
    with translation.override("vi"):
        messages = [e.message for e in run(world, file).errors]
    assert messages == [
        "Tệp không có trang tính tên “Thành viên”. Hãy thêm trang tính này hoặc đổi tên trang tính "
        "cho đúng như tệp mẫu."
    ]
    file = build([household_row(**{"Khối": "Khối 7", "Ngày công nhận": "15-13-2024"})], [])
    with translation.override("vi"):
        messages = [e.message for e in run(world, file).errors]
    assert messages == [
        "Phường Hưng Bình không có khối “Khối 7”. Hãy ghi tên khối đúng như phường đặt, ví dụ “Khối 1”.",
        "“15-13-2024” không phải là ngày hợp lệ. Hãy ghi theo dạng dd/mm/yyyy, ví dụ 05/09/2024.",
    ]


# --- Who may import ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["khoi_member_hb_k1", "upper_level"])
def test_roles_without_ward_management_may_not_import(world, role):
    with pytest.raises(PermissionDenied):
        run(world, build([household_row()]), user=role)
    assert Household.objects.count() == 0


def test_a_ward_outside_the_scope_is_refused(world):
    # The pages and the API answer 404 before calling the service (they fetch the ward in scope).
    with pytest.raises(PermissionDenied):
        run(world, build([household_row()]), user="ward_officer_qt", ward=world.hb)
    assert Household.objects.count() == 0


@pytest.mark.parametrize("role", ["admin", "ward_leader_hb", "ward_officer_hb"])
def test_ward_staff_and_admin_import(world, role):
    assert run(world, build([household_row()]), user=role).created == 1


def test_khoi_outside_a_restricted_scope_is_reported(world, monkeypatch):
    # Khối members may not import today; should they ever, the engine keeps them to their khối.
    monkeypatch.setattr(importing.service, "can_manage_ward", lambda user: True)
    result = run(world, build([household_row(**{"Khối": "Khối 2"})]), user="khoi_member_hb_k1")
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [(H, FIRST, "Khối")]
    assert Household.objects.count() == 0


def test_headers_are_the_contracts_word_for_word():
    # docs/workbook.md: wards' existing lists and other systems rely on these titles.
    assert importing.HOUSEHOLD_COLUMNS == (
        "STT",
        "Mã hộ",
        "Khối",
        "Họ và tên chủ hộ",
        "Địa chỉ",
        "Phân loại",
        "Ngày công nhận",
        "Số quyết định",
        "Hộ DTTS",
        "Có người có công",
    )
    assert importing.MEMBER_COLUMNS == (
        "Mã hộ",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Quan hệ với chủ hộ",
        "Số CCCD",
        "Dân tộc",
        "Khuyết tật",
    )
    assert (importing.HOUSEHOLD_SHEET, importing.MEMBER_SHEET) == ("Hộ", "Thành viên")


# --- What a clean file changes, and who holds a number ------------------------------------


def test_a_clean_file_says_what_it_adds_and_which_statuses_change(world, existing):
    file = build(
        [
            household_row("HB-1"),
            household_row("HB-900", **{"Họ và tên chủ hộ": "Lê Thị Cúc", "Phân loại": "Hộ nghèo"}),
        ],
        [member_row("HB-1"), member_row("HB-900", **{"Họ và tên": "Lê Văn Dũng", "Số CCCD": ""})],
    )
    preview = run(world, file, dry_run=True).preview
    assert [(h.code, h.head_name, h.khoi, h.status) for h in preview.households_added] == [
        ("HB-1", "Nguyễn Văn An", "Khối 1", "Hộ nghèo")
    ]
    assert [(c.code, c.from_status, c.to_status, c.effective_on) for c in preview.status_changes] == [
        ("HB-900", "Hộ cận nghèo", "Hộ nghèo", date(2024, 12, 15))
    ]
    assert [(m.code, m.full_name) for m in preview.members_added] == [
        ("HB-1", "Nguyễn Văn An"),
        ("HB-900", "Lê Văn Dũng"),
    ]
    assert Household.objects.count() == 1


def test_a_number_held_in_the_users_scope_names_its_household(world, existing):
    file = build(
        [household_row("HB-1")],
        [member_row("HB-1", **{"Số CCCD": "040185009999", "Giới tính": "Nữ", "Ngày sinh": "01/01/1985"})],
    )
    [error] = run(world, file, dry_run=True).errors
    assert "HB-900" in error.message and "Lê Thị Cúc" in error.message


def test_a_number_held_outside_the_users_scope_names_nobody(world, existing):
    file = build(
        [household_row("QT-1")],
        [member_row("QT-1", **{"Số CCCD": "040185009999", "Giới tính": "Nữ", "Ngày sinh": "01/01/1985"})],
    )
    [error] = run(world, file, dry_run=True, user="ward_officer_qt", ward=world.qt).errors
    assert error.column == "Số CCCD"
    assert "HB-900" not in error.message and "Cúc" not in error.message and "Hưng Bình" not in error.message
