"""households.text: NFC, accent folding, Vietnamese collation."""

import unicodedata

import pytest

from households.text import collation_key, fold, nfc


def test_nfc_composes_decomposed_input_and_tidies_spaces():
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Thị\tHằng ")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    result = nfc(decomposed)
    assert result == "Nguyễn Thị Hằng"
    assert unicodedata.is_normalized("NFC", result)
    assert nfc(None) == ""
    assert nfc(12) == "12"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Thị Hằng", "nguyen thi hang"),
        ("ĐẶNG Đình Đức", "dang dinh duc"),
        (unicodedata.normalize("NFD", "Phạm Ngọc Ánh"), "pham ngoc anh"),
        ("Số 12, ngõ 5, đường Lê Hồng Phong", "so 12, ngo 5, duong le hong phong"),
        (None, ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def ordered(names):
    return sorted(names, key=collation_key)


def test_given_name_first():
    assert ordered(["Lê Thị Bình", "Trần Văn An"]) == ["Trần Văn An", "Lê Thị Bình"]
    # Same given name: then family name, then middle name.
    assert ordered(["Trần Văn An", "Lê Văn An", "Lê Thị An"]) == ["Lê Thị An", "Lê Văn An", "Trần Văn An"]


def test_vietnamese_letters_order():
    # a < ă < â < b ... d < đ < e < ê ... o < ô < ơ ... u < ư
    given = ["Ân", "Ăn", "An", "Bình", "Đức", "Dũng", "Ê", "E", "Ơn", "Ôn", "On", "Ưng", "Uyên", "Vân"]
    names = [f"Nguyễn Văn {g}" for g in given]
    assert [n.split()[-1] for n in ordered(names)] == [
        "An",
        "Ăn",
        "Ân",
        "Bình",
        "Dũng",
        "Đức",
        "E",
        "Ê",
        "On",
        "Ôn",
        "Ơn",
        "Uyên",
        "Ưng",
        "Vân",
    ]


def test_d_sorts_before_dd_whatever_follows():
    assert ordered(["Đào Văn An", "Dương Văn An"]) == ["Dương Văn An", "Đào Văn An"]
    assert ordered(["Nguyễn Thị Đào", "Nguyễn Thị Dương"]) == ["Nguyễn Thị Dương", "Nguyễn Thị Đào"]


def test_tones_are_a_secondary_difference():
    # Letters decide first: "Hà" < "Hai" though à would sort after a.
    assert ordered(["Nguyễn Thị Hai", "Nguyễn Thị Hà"]) == ["Nguyễn Thị Hà", "Nguyễn Thị Hai"]
    # Same letters: none, huyền, hỏi, ngã, sắc, nặng.
    tones = ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]
    assert ordered([f"Lê Văn {t}" for t in reversed(tones)]) == [f"Lê Văn {t}" for t in tones]


def test_key_ignores_case_spacing_and_normal_form():
    assert collation_key("nguyễn  văn AN") == collation_key(unicodedata.normalize("NFD", "Nguyễn Văn An"))
    assert collation_key("") == collation_key(None) == ""


def test_key_is_plain_ascii_so_databases_sort_it_the_same():
    key = collation_key("Đặng Thị Ngọc Ánh")
    assert key.isascii() and key.isalpha() and key.islower()
    # A shorter word sorts before its extensions.
    assert ordered(["Lê Văn Anh", "Lê Văn An"]) == ["Lê Văn An", "Lê Văn Anh"]
