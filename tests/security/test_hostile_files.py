"""Issue 11, items 1 and 8 (workbooks): a corpus of hostile files, each with its answer, nothing written.

Wide, tall and sparse sheets, malformed cells, a zip bomb, XML entities,
formulas and control characters: each is answered with a problem a person can
act on (or imported as plain text), within bounded memory and time, and the
count of every table is unchanged.
"""

import re
import time
import tracemalloc
import zipfile
from io import BytesIO

import pytest
from django.apps import apps
from openpyxl import Workbook

from households.importing import household_import, limits, reading, results
from households.models import Household

from ..households.workbooks import build, household_row, member_row

pytestmark = pytest.mark.django_db

SHEET1 = "xl/worksheets/sheet1.xml"


def counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def rewrite(stream: BytesIO, name: str, change) -> BytesIO:
    """The same workbook with one part's XML changed."""
    out = BytesIO()
    with zipfile.ZipFile(stream) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == name:
                data = change(data.decode()).encode()
            target.writestr(info, data)
    out.seek(0)
    return out


def valid():
    return build([household_row("HB-1")], [member_row("HB-1")])


def add_row(xml: str, row_xml: str) -> str:
    return xml.replace("</sheetData>", row_xml + "</sheetData>")


def answer(world, file, *, dry_run=False):
    before = counts()
    started = time.monotonic()
    result = household_import(by=world.users["admin"], ward=world.hb, file=file, dry_run=dry_run)
    # The machine is shared and slow; the files that broke it took minutes.
    assert time.monotonic() - started < 30
    if not result.ok:
        assert counts() == before
    return result


def messages(result) -> str:
    return " | ".join(e.message for e in result.errors)


def test_a_cell_in_column_xfd_reads_only_the_formats_columns(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Hộ"
    sheet.append(list(household_row().keys()))
    for number in range(800):
        sheet.append(list(household_row(f"HB-{number}").values()))
        sheet.cell(row=number + 2, column=16384, value="x")
    members = workbook.create_sheet("Thành viên")
    members.append(list(member_row().keys()))
    stream = BytesIO()
    workbook.save(stream)
    tracemalloc.start()
    try:
        result = answer(world, stream, dry_run=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.ok, result.errors[:3]
    assert result.created == 800
    # Padded to XFD, 800 rows were 13 million cells (over 100 MB).
    assert peak < 40 * 1024 * 1024, peak


def test_more_rows_than_the_cap_is_refused(world, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 50)
    households = [household_row(f"HB-{n}") for n in range(60)]
    result = answer(world, build(households, []))
    assert "more than 50 rows" in messages(result) or "nhiều hơn 50 dòng" in messages(result)
    assert not Household.objects.exists()


def test_a_row_numbered_a_hundred_million_is_answered_at_once(world):
    row = '<row r="99999999"><c r="B99999999" t="inlineStr"><is><t>HB-9</t></is></c></row>'
    result = answer(world, rewrite(valid(), SHEET1, lambda xml: add_row(xml, row)))
    assert not result.ok
    assert str(limits.MAX_ROWS).replace(",", "") in re.sub(r"[.,\s]", "", messages(result))


def test_a_cell_past_the_last_column_is_ignored(world):
    cell = '<c r="XFE5" t="inlineStr"><is><t>x</t></is></c>'
    result = answer(world, rewrite(valid(), SHEET1, lambda xml: add_row(xml, f'<row r="5">{cell}</row>')), dry_run=True)
    assert result.ok and result.created == 1


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="B5" t="s"><v>99999</v></c>',  # a shared string that does not exist
        '<c r="A5" t="n"><v>abc</v></c>',  # a number that is not one
        '<c r="G5" t="d"><v>not-a-date</v></c>',  # a date that is not one
    ],
    ids=["shared-string-index", "non-numeric", "bad-date"],
)
def test_malformed_cells_are_a_damaged_sheet_not_a_500(world, cell):
    result = answer(world, rewrite(valid(), SHEET1, lambda xml: add_row(xml, f'<row r="5">{cell}</row>')))
    assert not result.ok
    assert "“Hộ”" in messages(result)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(world):
    stream = BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1024 * 1024)
            for _ in range(limits.MAX_UNPACKED_BYTES // len(block) + 2):
                part.write(block)
    stream.seek(0)
    result = answer(world, stream)
    assert not result.ok and "MB" in messages(result)


def test_xml_entities_are_not_expanded(world):
    doctype = (
        '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    )

    def change(xml):
        xml = xml.replace("?>", "?>" + doctype, 1)
        return add_row(xml, '<row r="5"><c r="D5" t="inlineStr"><is><t>&xxe;&d;</t></is></c></row>')

    result = answer(world, rewrite(valid(), SHEET1, change))
    assert "root:" not in messages(result)
    assert not Household.objects.filter(head_name__contains="root:").exists()


def test_formula_text_is_imported_as_text(world):
    payload = '=HYPERLINK("http://example.com/?"&amp;A1,"x")'
    file = build([household_row("HB-1", **{"Họ và tên chủ hộ": "PLACEHOLDER"})], [])
    result = answer(world, rewrite(file, SHEET1, lambda xml: xml.replace("PLACEHOLDER", payload)))
    assert result.ok, result.errors
    assert Household.objects.get().head_name == '=HYPERLINK("http://example.com/?"&A1,"x")'


def test_a_live_formula_is_never_evaluated(world):
    # A formula cell is read as the value Excel saved with it; without one it is empty.
    formula = '<c r="D4"><f>HYPERLINK("http://example.com/","x")</f></c>'
    file = rewrite(valid(), SHEET1, lambda xml: re.sub(r'<c r="D4"[^>]*>.*?</c>', formula, xml))
    result = answer(world, file)
    assert not result.ok and "Họ và tên chủ hộ" in {e.column for e in result.errors}


def test_control_characters_are_refused(world):
    result = answer(world, build([household_row("HB-1", **{"Địa chỉ": "Số 1\x9b31m"})], []))
    assert not result.ok and "ký tự điều khiển" in messages(result)


@pytest.mark.parametrize("content", [b"", b"not a workbook", b"PK\x03\x04broken", b"\x00" * 1000])
def test_what_is_not_a_workbook_is_said_so(world, content):
    result = answer(world, BytesIO(content))
    assert [e.row for e in result.errors] == [0]
    assert "xlsx" in messages(result)


def test_only_the_first_problems_are_listed(world):
    households = [household_row(f"HB-{n}", **{"Phân loại": "không biết"}) for n in range(limits.MAX_ERRORS + 57)]
    result = answer(world, build(households, []))
    assert len(result.errors) == limits.MAX_ERRORS + 1
    assert "57" in result.errors[0].message


def test_the_errors_cap_counts_what_it_drops():
    errors = results.Errors()
    for n in range(limits.MAX_ERRORS + 3):
        errors.add("Hộ", n, "", "x")
    assert len(errors) == limits.MAX_ERRORS + 1 and errors.dropped == 3 and "3" in errors[-1].message


def test_the_api_refuses_a_file_over_the_limit(api_client, world):
    api_client.force_authenticate(world.users["ward_officer_hb"])
    big = BytesIO(b"PK" + b"\0" * (limits.MAX_UPLOAD_BYTES + 1))
    big.name = "big.xlsx"
    response = api_client.post("/api/v1/households/import/", {"file": big}, format="multipart")
    assert response.status_code == 400
    assert "20 MB" in response.json()["file"][0]
