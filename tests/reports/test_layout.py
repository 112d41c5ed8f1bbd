"""The official layout's plain rules (Nghị định 30/2020, docs/documents.md)."""

from datetime import date
from types import SimpleNamespace

import pytest

from reports import layout


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2025, 5, 30), "Hưng Bình, ngày 30 tháng 5 năm 2025"),
        (date(2025, 2, 5), "Hưng Bình, ngày 05 tháng 02 năm 2025"),
        (date(2025, 1, 9), "Hưng Bình, ngày 09 tháng 01 năm 2025"),
        (date(2025, 3, 10), "Hưng Bình, ngày 10 tháng 3 năm 2025"),
        (date(2025, 12, 1), "Hưng Bình, ngày 01 tháng 12 năm 2025"),
        (date(2025, 10, 31), "Hưng Bình, ngày 31 tháng 10 năm 2025"),
    ],
)
def test_place_and_date_take_leading_zeros_for_days_below_10_and_months_1_and_2(on, expected):
    assert layout.place_date("Hưng Bình", on) == expected


def test_an_undated_document_leaves_the_blanks():
    blank = "\u00a0" * 6  # non-breaking: HTML keeps the room for the hand-written date
    assert layout.place_date("Hưng Bình", None) == f"Hưng Bình, ngày{blank}tháng{blank}năm"


def test_without_a_place_the_date_starts_the_line():
    assert layout.place_date("", date(2025, 6, 5)) == "Ngày 05 tháng 6 năm 2025"


def test_number_line():
    assert layout.number_line("120/KH-UBND") == "Số: 120/KH-UBND"
    assert layout.number_line("", "KH-UBND") == "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/KH-UBND"


@pytest.mark.parametrize(
    ("area", "issuer", "full"),
    [("urban", "PHƯỜNG HƯNG BÌNH", "phường Hưng Bình"), ("rural", "XÃ HƯNG BÌNH", "xã Hưng Bình")],
)
def test_issuer_names_the_ward_or_commune(area, issuer, full):
    ward = SimpleNamespace(name="Hưng Bình", area_type=area)
    assert layout.ward_issuer(ward) == ("ỦY BAN NHÂN DÂN", issuer)
    assert layout.ward_full_name(ward) == full


def test_pdf_title():
    doc = layout.OfficialDocument(issuer=(), place="Hưng Bình", on=None, doc_type="KẾ HOẠCH", subject=("Thực hiện",))
    assert doc.pdf_title == "Kế hoạch Thực hiện"


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("Phòng Nông nghiệp và Môi trường thành phố Vinh", "Vinh"),
        ("Sở Nông nghiệp và Môi trường tỉnh Nghệ An", "Nghệ An"),
        ("Phòng Lao động - Thương binh và Xã hội huyện Nghi Lộc, tỉnh Nghệ An", "Nghi Lộc"),
        ("Phòng Văn hóa - Xã hội quận 1", "Quận 1"),  # named by a number: in full (Nghị định 30)
        ("Sở Nông nghiệp và Môi trường Thành phố Hồ Chí Minh", "Thành phố Hồ Chí Minh"),  # after a person: in full
        ("Ban Chỉ đạo giảm nghèo", ""),  # no locality in the name: the date alone
    ],
)
def test_an_upper_level_unit_dates_its_papers_from_the_locality_its_name_gives(name, place):
    assert layout.unit_place(name) == place
