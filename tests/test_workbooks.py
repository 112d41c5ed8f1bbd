"""hungbinh/workbooks.py: the one content type of the .xlsx files the app sends."""

from pathlib import Path

from hungbinh.workbooks import XLSX_CONTENT_TYPE

ROOT = Path(__file__).resolve().parent.parent
CODE = ("assignments", "households", "hungbinh", "projects", "reports", "reviews")


def test_the_xlsx_content_type_is_written_once_and_imported_elsewhere():
    """It was written out in three modules (the import template, the report tables, the jobs' files)."""
    assert XLSX_CONTENT_TYPE == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    holders = sorted(
        path.relative_to(ROOT).as_posix()
        for app in CODE
        for path in (ROOT / app).rglob("*.py")
        if XLSX_CONTENT_TYPE in path.read_text(encoding="utf-8")
    )
    assert holders == ["hungbinh/workbooks.py"]
