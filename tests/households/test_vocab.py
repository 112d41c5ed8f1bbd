"""households.vocab: the closed lists and reading typed text back to them (no database)."""

import unicodedata

import pytest

from households import vocab
from households.vocab import Ethnicity, MemberRemovalReason, Relation


def test_54_ethnic_groups_in_the_statistics_office_order():
    names = Ethnicity.values
    assert len(names) == len(set(names)) == 54
    assert names[:9] == ["Kinh", "Tày", "Thái", "Mường", "Khơ Me", "Hoa", "Nùng", "Mông", "Dao"]
    assert names[-3:] == ["Rơ Măm", "Brâu", "Ơ Đu"]
    assert vocab.ethnicity_code("Kinh") == "01"
    assert vocab.ethnicity_code("Ơ Đu") == "54"
    assert vocab.ethnicity_code("Klingon") == ""


def test_every_listed_word_is_nfc_and_its_own_label():
    for choices in (Ethnicity, Relation):
        for value in choices.values:
            assert unicodedata.normalize("NFC", value) == value
    assert all(value == label for value, label in Ethnicity.choices)


@pytest.mark.parametrize(
    ("typed", "listed"),
    [
        ("Kinh", "Kinh"),
        ("kinh", "Kinh"),
        ("Việt", "Kinh"),
        ("Khơ-me", "Khơ Me"),
        ("Khmer", "Khơ Me"),
        ("KHO MU", "Khơ Mú"),
        ("H'Mông", "Mông"),
        ("Hmông", "Mông"),
        ("Ê-đê", "Ê Đê"),
        ("Bru-Vân Kiều", "Bru Vân Kiều"),
        ("Cờ Lao", "Cơ Lao"),
        ("  ơ   đu ", "Ơ Đu"),
    ],
)
def test_ethnicity_from_text_reads_spellings_and_other_names(typed, listed):
    assert vocab.ethnicity_from_text(typed) == listed


@pytest.mark.parametrize("typed", ["", None, "Kinh Thái", "Mỹ", "x"])
def test_ethnicity_from_text_refuses_what_names_no_group(typed):
    assert vocab.ethnicity_from_text(typed) is None


@pytest.mark.parametrize(
    ("typed", "listed"),
    [
        ("Chủ hộ", "Chủ hộ"),
        ("chủ  hộ", "Chủ hộ"),
        ("VỢ", "Vợ"),
        ("Con đẻ", "Con"),
        ("con gái", "Con"),
        ("Bà nội", "Bà"),
        ("Bố đẻ", "Bố"),
        ("Em trai", "Em"),
    ],
)
def test_relation_from_text(typed, listed):
    assert vocab.relation_from_text(typed) == listed


def test_relation_keeps_accents_apart():
    # Without accents "Bà" (grandmother) and "Ba" (father) would be one word.
    assert vocab.relation_from_text("Bà") == "Bà"
    assert vocab.relation_from_text("ba") is None
    assert vocab.relation_from_text("vo") is None


def test_a_list_whose_words_collide_is_refused():
    with pytest.raises(ValueError, match="reads like another entry"):
        vocab._lookup(Relation, {"chu ho": Relation.WIFE, "Chu Ho": Relation.CHILD}, vocab._loose_key)


def test_ethnic_minority_is_every_listed_group_but_kinh():
    assert not vocab.is_ethnic_minority("Kinh")
    assert vocab.is_ethnic_minority("Thái")
    assert not vocab.is_ethnic_minority("")
    assert not vocab.is_ethnic_minority("Không rõ")


def test_removal_reasons():
    assert MemberRemovalReason.values == ["died", "moved_away", "household_split", "entered_by_mistake"]
