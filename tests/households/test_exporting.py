"""The Excel export: the import format, real dates, masking, bounded queries, and the round trip."""

from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from households import personal_data, selectors
from households.exporting import write_households_xlsx
from households.importing import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, household_import
from households.models import Household, Member, StatusChange

from .workbooks import build, household_row, member_row

pytestmark = pytest.mark.django_db


def seed(world, count=3, *, prefix="HB"):
    households, members = [], []
    for i in range(count):
        code = f"{prefix}-{i:03d}"
        households.append(
            household_row(
                code,
                **{
                    "Khối": f"Khối {i % 2 + 1}",
                    "Họ và tên chủ hộ": f"Nguyễn Văn An {i}",
                    "Phân loại": ["Hộ nghèo", "Hộ cận nghèo", "Hộ mới thoát nghèo", "Không nghèo"][i % 4],
                    "Ngày công nhận": f"{i % 28 + 1:02d}/06/2024",
                    "Hộ DTTS": "x" if i % 3 == 0 else "",
                },
            )
        )
        members.append(member_row(code, **{"Họ và tên": f"Nguyễn Văn An {i}", "Số CCCD": f"040080{i:06d}"}))
        members.append(
            member_row(
                code,
                **{
                    "Họ và tên": f"Trần Thị Bé {i}",
                    "Giới tính": "Nữ",
                    "Ngày sinh": "09/10/2012",
                    "Số CCCD": "",
                    "Khuyết tật": "x",
                    "Quan hệ với chủ hộ": "Con",
                },
            )
        )
    result = household_import(by=world.users["admin"], ward=world.hb, file=build(households, members), dry_run=False)
    assert result.ok, result.errors
    return result


def export(user, *, reveal_ids=True, queryset=None):
    stream = BytesIO()
    households = queryset if queryset is not None else selectors.household_list(user=user)
    disclosure = personal_data.disclosure_for(user, reveal_ids=reveal_ids)
    summary = write_households_xlsx(households=households, output=stream, disclosure=disclosure)
    stream.seek(0)
    return stream, summary


def sheets(stream):
    stream.seek(0)
    workbook = load_workbook(stream)
    return {ws.title: ws for ws in workbook.worksheets}


def test_export_writes_the_import_format(world):
    seed(world, 4)
    stream, summary = export(world.users["ward_officer_hb"])
    books = sheets(stream)
    households, members = books["Hộ"], books["Thành viên"]
    # The household's version rides along, hidden (issue 11: an old export is a conflict, not a revert).
    assert [c.value for c in households[2]] == [*HOUSEHOLD_COLUMNS, "Hộ mới thoát nghèo đến ngày", "Phiên bản"]
    assert [c.value for c in members[2]] == list(MEMBER_COLUMNS)
    rows = {row[1].value: row for row in households.iter_rows(min_row=3)}
    escaped = rows["HB-002"]
    assert [c.value for c in escaped[:6]] == [
        list(rows).index("HB-002") + 1,
        "HB-002",
        "Khối 1",
        "Nguyễn Văn An 2",
        "Số 1, đường Lê Lợi",
        "Hộ mới thoát nghèo",
    ]
    # A real date cell shown as dd/mm/yyyy, and the decision number of the latest status change.
    assert escaped[6].value == datetime(2024, 6, 3) and escaped[6].number_format == "DD/MM/YYYY"
    assert escaped[7].value == "12/QĐ-UBND"
    assert rows["HB-000"][8].value == "x" and rows["HB-001"][8].value is None
    # The window's last day, as the list page shows it; only for newly escaped households.
    assert escaped[10].value == datetime(2027, 6, 2) and escaped[10].number_format == "DD/MM/YYYY"
    assert rows["HB-000"][10].value is None
    child = next(r for r in members.iter_rows(min_row=3, values_only=True) if r[1] == "Trần Thị Bé 1")
    assert child == ("HB-001", "Trần Thị Bé 1", datetime(2012, 10, 9), "Nữ", "Con", None, "Kinh", "x")
    assert sorted(summary.household_ids) == sorted(Household.objects.values_list("pk", flat=True))
    assert summary.member_count == 8


def test_households_are_in_vietnamese_order_and_members_follow_them(world):
    seed(world, 3)
    Household.objects.filter(code="HB-002").update(name_key="a")  # sorts first
    stream, _ = export(world.users["admin"])
    books = sheets(stream)
    codes = [r[1] for r in books["Hộ"].iter_rows(min_row=3, values_only=True)]
    member_codes = [r[0] for r in books["Thành viên"].iter_rows(min_row=3, values_only=True)]
    assert codes[0] == "HB-002"
    assert list(dict.fromkeys(member_codes)) == codes


def test_export_imports_back_unchanged(world):
    seed(world, 8)
    stream, _ = export(world.users["ward_officer_hb"])
    before = (
        Household.history.count(),
        Member.history.count(),
        StatusChange.objects.count(),
        sorted(Household.objects.values_list("pk", "version")),
    )
    result = household_import(by=world.users["ward_officer_hb"], ward=world.hb, file=stream, dry_run=False)
    assert (result.errors, result.created, result.updated, result.members_created, result.members_updated) == (
        [],
        0,
        0,
        0,
        0,
    )
    after = (
        Household.history.count(),
        Member.history.count(),
        StatusChange.objects.count(),
        sorted(Household.objects.values_list("pk", "version")),
    )
    assert after == before


def test_export_into_another_ward_recreates_the_same_registry(world):
    seed(world, 4)
    stream, _ = export(world.users["admin"])
    Member.objects.all().delete()
    Household.objects.all().delete()
    result = household_import(by=world.users["admin"], ward=world.hb, file=stream, dry_run=False)
    assert (result.errors, result.created, result.members_created) == ([], 4, 8)
    escaped = Household.objects.get(code="HB-002")
    assert (escaped.status, escaped.escaped_poverty_on) == ("not_poor", date(2024, 6, 3))


def test_id_numbers_are_masked_unless_revealed(world):
    seed(world, 1)
    masked, _ = export(world.users["ward_officer_hb"], reveal_ids=False)
    revealed, _ = export(world.users["ward_officer_hb"], reveal_ids=True)
    assert sheets(masked)["Thành viên"]["F3"].value == "********0000"
    assert sheets(revealed)["Thành viên"]["F3"].value == "040080000000"


def test_a_role_that_may_not_reveal_gets_masked_numbers_even_when_asking(world):
    seed(world, 1)
    stream, _ = export(world.users["upper_level"], reveal_ids=True)
    assert sheets(stream)["Thành viên"]["F3"].value == "********0000"


def test_upper_level_file_has_no_ethnicity_or_disability_per_person(world):
    seed(world, 2)
    stream, summary = export(world.users["upper_level"], reveal_ids=False)
    members = sheets(stream)["Thành viên"]
    header = [c.value for c in members[2]]
    assert header == [c for c in MEMBER_COLUMNS if c not in ("Dân tộc", "Khuyết tật")]
    assert all(len(row) == len(header) for row in members.iter_rows(min_row=3, values_only=True))
    assert "Kinh" not in {v for row in members.iter_rows(values_only=True) for v in row}
    assert "nhạy cảm" in members["A1"].value
    assert summary.member_count == 4


def test_a_masked_export_imports_back_unchanged(world):
    seed(world, 3)
    stream, _ = export(world.users["ward_officer_hb"], reveal_ids=False)
    ids = sorted(Member.objects.values_list("id_number", flat=True))
    result = household_import(by=world.users["ward_officer_hb"], ward=world.hb, file=stream, dry_run=False)
    assert (result.errors, result.updated, result.members_updated) == ([], 0, 0)
    assert sorted(Member.objects.values_list("id_number", flat=True)) == ids


def test_export_follows_the_queryset_it_is_given(world):
    seed(world, 4)
    poor = selectors.household_list(user=world.users["admin"]).filter(status="poor")
    stream, summary = export(world.users["admin"], queryset=poor)
    codes = [r[1] for r in sheets(stream)["Hộ"].iter_rows(min_row=3, values_only=True)]
    assert codes == ["HB-000"] and summary.member_count == 2


@pytest.mark.parametrize("count", [2, 40])
def test_query_count_does_not_grow_with_rows(world, count, django_assert_max_num_queries):
    seed(world, count)
    with django_assert_max_num_queries(3):
        _stream, summary = export(world.users["ward_officer_hb"])
    assert len(summary.household_ids) == count


def test_members_are_fetched_once_per_chunk(world, django_assert_max_num_queries, monkeypatch):
    from households import exporting

    monkeypatch.setattr(exporting, "CHUNK_SIZE", 5)
    seed(world, 12)
    # One query for the households, one for the members of each chunk of 5.
    with django_assert_max_num_queries(1 + 3):
        _stream, summary = export(world.users["admin"])
    assert summary.member_count == 24
    assert sheets(_stream)["Thành viên"].max_row == 2 + 24


def test_the_workbook_and_the_pages_say_the_same_words_for_newly_escaped():
    from django.utils import translation

    from households import importing, rules

    with translation.override("vi"):
        assert str(rules.NEWLY_ESCAPED_LABEL) == importing.ESCAPED_LABEL
    assert importing.COL_ESCAPED_UNTIL.startswith(importing.ESCAPED_LABEL)
