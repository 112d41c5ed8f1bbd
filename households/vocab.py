"""Closed vocabularies of the registry: ethnic groups, relations to the head, reasons a member leaves.

Plain data and plain functions (no database). Pages, the API, the Excel import
and its template all take their lists from here, so a drop-down, a check and a
report count the same words. Where the lists come from: docs/registry.md
("Vocabularies").

Ethnicity and relation are stored as the Vietnamese word itself ("Kinh",
"Vợ"): that is what officers type, what the workbook carries whatever the
interface language, and what the registry held before these lists existed.
Typed variants ("khơ-me", "H'Mông", "con đẻ") are read back to the listed spelling
by `ethnicity_from_text` and `relation_from_text`.
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from .text import fold, nfc


class Ethnicity(models.TextChoices):
    """The 54 ethnic groups of Vietnam in the order and numbering of the General Statistics Office.

    Danh mục các dân tộc Việt Nam, Quyết định 1019/QĐ-TCTK (12/11/2008): code 01
    is Kinh, 02 Tày, … 54 Ơ Đu (`ethnicity_code`). Names are proper nouns and
    are not translated.
    """

    KINH = "Kinh", "Kinh"
    TAY = "Tày", "Tày"
    THAI = "Thái", "Thái"
    MUONG = "Mường", "Mường"
    KHO_ME = "Khơ Me", "Khơ Me"
    HOA = "Hoa", "Hoa"
    NUNG = "Nùng", "Nùng"
    MONG = "Mông", "Mông"
    DAO = "Dao", "Dao"
    GIA_RAI = "Gia Rai", "Gia Rai"
    E_DE = "Ê Đê", "Ê Đê"
    BA_NA = "Ba Na", "Ba Na"
    SAN_CHAY = "Sán Chay", "Sán Chay"
    CHAM = "Chăm", "Chăm"
    CO_HO = "Cơ Ho", "Cơ Ho"
    XO_DANG = "Xơ Đăng", "Xơ Đăng"
    SAN_DIU = "Sán Dìu", "Sán Dìu"
    HRE = "Hrê", "Hrê"
    RA_GLAI = "Ra Glai", "Ra Glai"
    MNONG = "Mnông", "Mnông"
    THO = "Thổ", "Thổ"
    XTIENG = "Xtiêng", "Xtiêng"
    KHO_MU = "Khơ Mú", "Khơ Mú"
    BRU_VAN_KIEU = "Bru Vân Kiều", "Bru Vân Kiều"
    CO_TU = "Cơ Tu", "Cơ Tu"
    GIAY = "Giáy", "Giáy"
    TA_OI = "Tà Ôi", "Tà Ôi"
    MA = "Mạ", "Mạ"
    GIE_TRIENG = "Giẻ Triêng", "Giẻ Triêng"
    CO = "Co", "Co"
    CHO_RO = "Chơ Ro", "Chơ Ro"
    XINH_MUN = "Xinh Mun", "Xinh Mun"
    HA_NHI = "Hà Nhì", "Hà Nhì"
    CHU_RU = "Chu Ru", "Chu Ru"
    LAO = "Lào", "Lào"
    KHANG = "Kháng", "Kháng"
    LA_CHI = "La Chí", "La Chí"
    PHU_LA = "Phù Lá", "Phù Lá"
    LA_HU = "La Hủ", "La Hủ"
    LA_HA = "La Ha", "La Ha"
    PA_THEN = "Pà Thẻn", "Pà Thẻn"
    LU = "Lự", "Lự"
    NGAI = "Ngái", "Ngái"
    CHUT = "Chứt", "Chứt"
    LO_LO = "Lô Lô", "Lô Lô"
    MANG = "Mảng", "Mảng"
    CO_LAO = "Cơ Lao", "Cơ Lao"
    BO_Y = "Bố Y", "Bố Y"
    CONG = "Cống", "Cống"
    SI_LA = "Si La", "Si La"
    PU_PEO = "Pu Péo", "Pu Péo"
    RO_MAM = "Rơ Măm", "Rơ Măm"
    BRAU = "Brâu", "Brâu"
    O_DU = "Ơ Đu", "Ơ Đu"


MAJORITY_ETHNICITY = Ethnicity.KINH

# Other names the same group is written with (official other names and common spellings).
ETHNICITY_ALIASES = {
    "Việt": Ethnicity.KINH,
    "Kinh (Việt)": Ethnicity.KINH,
    "Khmer": Ethnicity.KHO_ME,
    "Hán": Ethnicity.HOA,
    "Hoa (Hán)": Ethnicity.HOA,
    "H'Mông": Ethnicity.MONG,
    "Hmông": Ethnicity.MONG,
    "Mèo": Ethnicity.MONG,
    "Gia Lai": Ethnicity.GIA_RAI,
    "Ra Glay": Ethnicity.RA_GLAI,
    "Cờ Lao": Ethnicity.CO_LAO,
    "Sán Chay (Cao Lan-Sán Chỉ)": Ethnicity.SAN_CHAY,
    "Vân Kiều": Ethnicity.BRU_VAN_KIEU,
    "Gié Triêng": Ethnicity.GIE_TRIENG,
}


class Relation(models.TextChoices):
    """A member's relation to the head of household, in the words household lists use."""

    HEAD = "Chủ hộ", _("Head of household")
    WIFE = "Vợ", _("Wife")
    HUSBAND = "Chồng", _("Husband")
    CHILD = "Con", _("Child")
    DAUGHTER_IN_LAW = "Con dâu", _("Daughter-in-law")
    SON_IN_LAW = "Con rể", _("Son-in-law")
    GRANDCHILD = "Cháu", _("Grandchild")
    GREAT_GRANDCHILD = "Chắt", _("Great-grandchild")
    FATHER = "Bố", _("Father")
    MOTHER = "Mẹ", _("Mother")
    HUSBANDS_FATHER = "Bố chồng", _("Husband's father")
    HUSBANDS_MOTHER = "Mẹ chồng", _("Husband's mother")
    WIFES_FATHER = "Bố vợ", _("Wife's father")
    WIFES_MOTHER = "Mẹ vợ", _("Wife's mother")
    GRANDFATHER = "Ông", _("Grandfather")
    GRANDMOTHER = "Bà", _("Grandmother")
    OLDER_BROTHER = "Anh", _("Older brother")
    OLDER_SISTER = "Chị", _("Older sister")
    YOUNGER_SIBLING = "Em", _("Younger brother or sister")
    OTHER_RELATIVE = "Họ hàng khác", _("Other relative")
    NOT_RELATED = "Không họ hàng", _("Not related")


RELATION_ALIASES = {
    "Con đẻ": Relation.CHILD,
    "Con ruột": Relation.CHILD,
    "Con nuôi": Relation.CHILD,
    "Con trai": Relation.CHILD,
    "Con gái": Relation.CHILD,
    "Cháu nội": Relation.GRANDCHILD,
    "Cháu ngoại": Relation.GRANDCHILD,
    "Cháu ruột": Relation.GRANDCHILD,
    "Cha": Relation.FATHER,
    "Bố đẻ": Relation.FATHER,
    "Má": Relation.MOTHER,
    "Mẹ đẻ": Relation.MOTHER,
    "Ông nội": Relation.GRANDFATHER,
    "Ông ngoại": Relation.GRANDFATHER,
    "Bà nội": Relation.GRANDMOTHER,
    "Bà ngoại": Relation.GRANDMOTHER,
    "Anh trai": Relation.OLDER_BROTHER,
    "Anh ruột": Relation.OLDER_BROTHER,
    "Chị gái": Relation.OLDER_SISTER,
    "Chị ruột": Relation.OLDER_SISTER,
    "Em trai": Relation.YOUNGER_SIBLING,
    "Em gái": Relation.YOUNGER_SIBLING,
    "Em ruột": Relation.YOUNGER_SIBLING,
    "Người thân": Relation.OTHER_RELATIVE,
    "Khác": Relation.NOT_RELATED,
    "Ở nhờ": Relation.NOT_RELATED,
}


class MemberRemovalReason(models.TextChoices):
    """Why a person leaves a household's list; the first three are the "other decreases" of the tables."""

    DIED = "died", _("Died")
    MOVED_AWAY = "moved_away", _("Moved away")
    HOUSEHOLD_SPLIT = "household_split", _("Household split")
    ENTERED_BY_MISTAKE = "entered_by_mistake", _("Entered by mistake")


class Movement(models.TextChoices):
    """What a status change means for the review-result tables (docs/reviews.md, "Movements").

    The values are stored and counted by the reports: never rename one. The
    first eight come from recognition decisions; the last five are the "other"
    decreases and increases recorded outside a review.
    """

    NEW_POOR = "new_poor", _("New poor household")
    FALLEN_BACK_POOR = "fallen_back_poor", _("Fallen back into poverty")
    NEAR_POOR_TO_POOR = "near_poor_to_poor", _("Near-poor household became poor")
    POOR_TO_NEAR_POOR = "poor_to_near_poor", _("Escaped poverty to near-poor")
    ESCAPED_POVERTY = "escaped_poverty", _("Escaped poverty above the near-poor line")
    NEW_NEAR_POOR = "new_near_poor", _("New near-poor household")
    FALLEN_BACK_NEAR_POOR = "fallen_back_near_poor", _("Fallen back into near-poverty")
    ESCAPED_NEAR_POVERTY = "escaped_near_poverty", _("Escaped near-poverty")
    MOVED_AWAY = "moved_away", _("Moved away")
    DISSOLVED = "dissolved", _("Household dissolved")
    SPLIT_OFF = "split_off", _("Household split")
    MOVED_IN = "moved_in", _("Moved in")
    SPLIT_NEW = "split_new", _("New household from a split")


# Movements outside a review ("other" in the tables): a decrease or an increase
# of the class the household has when it happens.
OTHER_DECREASES = frozenset({Movement.MOVED_AWAY, Movement.DISSOLVED, Movement.SPLIT_OFF})
OTHER_INCREASES = frozenset({Movement.MOVED_IN, Movement.SPLIT_NEW})


# --- Reading typed text back to a listed word ------------------------------------

_PUNCTUATION = re.compile(r"[\s\-'’‘`.]+")


def _loose_key(text) -> str:
    """Case, spaces, hyphens and apostrophes ignored: 'Khơ-me' and 'khơ me' meet."""
    return _PUNCTUATION.sub("", nfc(text).casefold())


def _unaccented_key(text) -> str:
    """Accents ignored as well: 'Kho Me' finds 'Khơ Me'. Only for a list whose names stay apart without them."""
    return _PUNCTUATION.sub("", fold(text))


def _lookup(choices, aliases: dict, key) -> dict[str, str]:
    table = {}
    for text, value in [*aliases.items(), *((v, v) for v in choices.values)]:
        if table.setdefault(key(text), value) != value:
            raise ValueError(f"{text!r} reads like another entry of {choices.__name__}")
    return table


_ETHNICITY_BY_KEY = _lookup(Ethnicity, ETHNICITY_ALIASES, _unaccented_key)
# Relations keep their accents: without them "Bà" (grandmother) and "Ba" (father) are one word.
_RELATION_BY_KEY = _lookup(Relation, RELATION_ALIASES, _loose_key)


def ethnicity_from_text(text) -> str | None:
    """The listed name of the ethnic group `text` names, or None when it names none (or is empty)."""
    return _ETHNICITY_BY_KEY.get(_unaccented_key(text)) if text else None


def relation_from_text(text) -> str | None:
    """The listed relation `text` names, or None when it names none (or is empty)."""
    return _RELATION_BY_KEY.get(_loose_key(text)) if text else None


def ethnicity_code(ethnicity: str) -> str:
    """The two-digit code of the General Statistics Office ("01" for Kinh), or "" for an unlisted name."""
    values = Ethnicity.values
    return f"{values.index(ethnicity) + 1:02d}" if ethnicity in values else ""


def is_ethnic_minority(ethnicity: str) -> bool:
    """Every listed group but Kinh; an empty or unlisted value is not counted as a minority."""
    return ethnicity in Ethnicity.values and ethnicity != MAJORITY_ETHNICITY
