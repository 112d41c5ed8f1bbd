"""Issue 11, item 6: an old export imported again is a per-row conflict, never a silent revert of newer edits."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from households import services
from households.importing import household_import
from households.models import Household, Member

from ..factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db


def export(client) -> bytes:
    response = client.get("/reports/households.xlsx")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def edited(content: bytes, sheet: str, code: str, column: str, value) -> BytesIO:
    book = load_workbook(BytesIO(content))
    rows = book[sheet]
    header = [c.value for c in rows[2]]
    for row in rows.iter_rows(min_row=3):
        if row[header.index("Mã hộ")].value == code:
            row[header.index(column)].value = value
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


@pytest.fixture
def registry(world):
    first = HouseholdFactory(khoi=world.hb_k1, code="HB-1", head_name="Nguyễn Văn An")
    MemberFactory(household=first, full_name="Nguyễn Văn An", relation="Chủ hộ", gender="male")
    HouseholdFactory(khoi=world.hb_k1, code="HB-2", head_name="Lê Thị Bình")
    return world


def test_the_export_carries_each_households_version_hidden(client, registry):
    client.force_login(registry.users["ward_officer_hb"])
    book = load_workbook(BytesIO(export(client)))
    sheet = book["Hộ"]
    header = [c.value for c in sheet[2]]
    column = header.index("Phiên bản")
    letter = sheet.cell(row=2, column=column + 1).column_letter
    assert sheet.column_dimensions[letter].hidden
    assert {row[1].value: row[column].value for row in sheet.iter_rows(min_row=3)} == {"HB-1": 1, "HB-2": 1}


def test_an_old_export_is_a_conflict_per_row_and_writes_nothing(client, registry):
    officer = registry.users["ward_officer_hb"]
    client.force_login(officer)
    old = export(client)
    # Someone renames HB-1 after the export.
    household = Household.objects.get(code="HB-1")
    services.household_update(by=officer, household=household, version=household.version, head_name="Nguyễn Văn Mới")
    # The old file changes HB-1's address and HB-2's name.
    file = edited(old, "Hộ", "HB-1", "Địa chỉ", "Số 9, đường Mới")
    file = edited(file.getvalue(), "Hộ", "HB-2", "Họ và tên chủ hộ", "Lê Thị Bình Mới")
    result = household_import(by=officer, ward=registry.hb, file=file, dry_run=False)
    assert [(e.sheet, e.column) for e in result.errors] == [("Hộ", "Phiên bản")]
    assert "HB-1" in result.errors[0].message and "xuất" in result.errors[0].message
    assert Household.objects.get(code="HB-1").head_name == "Nguyễn Văn Mới"
    assert Household.objects.get(code="HB-2").head_name == "Lê Thị Bình"


def test_an_old_export_that_changes_nothing_imports(client, registry):
    officer = registry.users["ward_officer_hb"]
    client.force_login(officer)
    old = export(client)
    household = Household.objects.get(code="HB-2")
    # A member added after the export moves HB-2's version on; its row in the old file still equals the registry.
    services.member_create(by=officer, household=household, full_name="Lê Văn Cường", relation="Con")
    result = household_import(by=officer, ward=registry.hb, file=BytesIO(old), dry_run=False)
    assert result.ok, result.errors
    assert Member.objects.filter(household=household, full_name="Lê Văn Cường").exists()


def test_member_rows_of_a_household_changed_since_are_conflicts(client, registry):
    officer = registry.users["ward_officer_hb"]
    client.force_login(officer)
    old = export(client)
    household = Household.objects.get(code="HB-1")
    member = Member.objects.get(household=household)
    services.member_update(by=officer, member=member, relation="Chủ hộ", full_name="Nguyễn Văn Ân")
    file = edited(old, "Thành viên", "HB-1", "Quan hệ với chủ hộ", "Vợ")
    result = household_import(by=officer, ward=registry.hb, file=file, dry_run=False)
    assert not result.ok
    assert {(e.sheet, e.column) for e in result.errors} == {("Thành viên", "Mã hộ")}
    assert Member.objects.get(pk=member.pk).full_name == "Nguyễn Văn Ân"
    assert Member.objects.filter(household=household).count() == 1


def test_a_list_without_versions_imports_as_before(registry):
    from ..households.workbooks import build, household_row

    result = household_import(
        by=registry.users["ward_officer_hb"],
        ward=registry.hb,
        file=build([household_row("HB-1", **{"Họ và tên chủ hộ": "Nguyễn Văn An Hai"})], []),
        dry_run=False,
    )
    assert result.ok, result.errors
    assert Household.objects.get(code="HB-1").head_name == "Nguyễn Văn An Hai"
