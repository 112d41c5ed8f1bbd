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
    # Each word of the date joined to its number by a no-break space (docs/documents.md, "A date in a sentence").
    joined = expected.replace("ngày ", "ngày\u00a0").replace("tháng ", "tháng\u00a0").replace("năm ", "năm\u00a0")
    assert layout.place_date("Hưng Bình", on) == joined


def test_an_undated_document_leaves_the_blanks():
    blank = "\u00a0" * 6  # non-breaking: HTML keeps the room for the hand-written date
    assert layout.place_date("Hưng Bình", None) == f"Hưng Bình, ngày{blank}tháng{blank}năm"


def test_without_a_place_the_date_starts_the_line():
    assert layout.place_date("", date(2025, 6, 5)) == "Ngày\u00a005 tháng\u00a06 năm\u00a02025"


def test_a_month_or_a_year_in_the_text_keeps_each_word_with_its_number():
    # The month as a date writes it: only 01 and 02 take a leading zero (docs/documents.md, "The layout").
    assert layout.month_words(2026, 3) == "tháng\u00a03 năm\u00a02026"
    assert layout.month_words(2026, 1) == "tháng\u00a001 năm\u00a02026"
    assert layout.month_words(2026, 2) == "tháng\u00a002 năm\u00a02026"
    assert layout.month_words(2026, 12) == "tháng\u00a012 năm\u00a02026"
    assert layout.month_words(2025) == "năm\u00a02025"


def test_the_place_and_date_line_never_wraps_between_a_word_and_its_number():
    """Under a long place the heading's place-and-date line wraps ("Hưng Bình 888…, ngày" / "05 tháng 02 năm
    2025" could be read, the date apart from its "ngày"). The place grows two digits at a time (less than the
    width of a word's number), so that in some of the layouts "ngày", "tháng" or "năm" reaches the end of a line
    whatever the font: each is read back on the line of its number."""
    from reports.pdf import render_pdf

    from .pdftools import flat_text, ngay_apart_from_its_date

    pairs, wrapped = 0, 0
    for extra in range(0, 36, 2):
        place = f"Hưng Bình {'8' * extra}".strip()
        doc = layout.OfficialDocument(
            issuer=("ỦY BAN NHÂN DÂN", "PHƯỜNG HƯNG BÌNH"), place=place, on=date(2025, 2, 5), doc_type="BÁO CÁO"
        )
        content = render_pdf("reports/official.html", {"doc": doc})
        found, apart = ngay_apart_from_its_date(content)
        assert apart == [], (place, apart)
        assert f"{place}, ngày 05 tháng 02 năm 2025" in flat_text(content)
        pairs += found
        wrapped += found == 3 and _lines_of(content, "2025") > 1
    assert pairs == 3 * 18
    assert wrapped  # the line did wrap in some of them: the test saw what it guards against


def _lines_of(content: bytes, last_word: str) -> int:
    """How many lines the place-and-date line takes: from the place's first word to `last_word`."""
    from .pdftools import word_boxes

    words = word_boxes(content, 1)
    start = next(i for i, w in enumerate(words) if w[0] == "Hưng")
    # The heading's first "Hưng" is the issuer's ("PHƯỜNG HƯNG BÌNH" is in capitals): this one is the place's.
    end = next(i for i in range(start, len(words)) if words[i][0] == last_word)
    return len({round(w[2]) for w in words[start : end + 1]})


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
