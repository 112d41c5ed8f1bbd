"""The parts of an official document (Nghị định 30/2020/NĐ-CP), as plain values.

Every document the app renders (the plan, the review's papers, household lists,
reports) fills an `OfficialDocument` and extends `reports/official.html`; the
sizes and margins live in `static/css/document.css`. The rules and their source
are in docs/documents.md.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from households.models import AreaType

# Legal formulas of Nghị định 30 (Điều 8, Phụ lục I): always written in Vietnamese,
# whatever the interface language, so they are not translated.
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PEOPLES_COMMITTEE = "ỦY BAN NHÂN DÂN"
RECIPIENTS_LABEL = "Nơi nhận:"
ON_BEHALF = "TM."  # thay mặt: the committee signs as a body
FOR = "KT."  # ký thay: a deputy signs for the chairman
# The blank left for a number or a date written by hand: non-breaking, so HTML keeps its width.
BLANK = "\u00a0" * 6


# In a sentence, "ngày" never ends a line apart from its date (docs/documents.md, "The layout"): a no-break space.
NBSP = "\u00a0"


def place_date(place: str, on: date | None) -> str:
    """“Hưng Bình, ngày 05 tháng 02 năm 2025”: a day below 10 and the months 1 and 2 take a leading zero.

    Each of "ngày", "tháng" and "năm" is joined to its number by a no-break space, as in `date_words`: under a
    long place the line wraps, never between a word and its number. Without a date (a draft), the blanks are
    left for the hand that signs it.
    """
    lead = f"{place}, ngày" if place else "Ngày"
    if on is None:
        return f"{lead}{BLANK}tháng{BLANK}năm"
    day, month, year = _date_numbers(on)
    return f"{lead}{NBSP}{day} tháng{NBSP}{month} năm{NBSP}{year}"


def _month_number(month: int) -> str:
    """The months 1 and 2 with a leading zero ("01", "02"), the others as they are ("3", "12")."""
    return f"{month:02d}" if month <= 2 else str(month)


def _date_numbers(on: date) -> tuple[str, str, str]:
    return f"{on.day:02d}", _month_number(on.month), str(on.year)


def date_words(on: date) -> str:
    """“ngày 27 tháng 01 năm 2021”: a date in the text, with the leading zeros of the place-and-date line; each
    word is joined to its number by a no-break space."""
    day, month, year = _date_numbers(on)
    return f"ngày{NBSP}{day} tháng{NBSP}{month} năm{NBSP}{year}"


def on_day(on: date | None) -> str:
    """“ngày 20/11/2025”: a short date in the text, joined to its “ngày” by a no-break space; "" without one."""
    return f"ngày{NBSP}{on:%d/%m/%Y}" if on else ""


def month_words(year: int, month: int | None = None) -> str:
    """“tháng 3 năm 2026” (“tháng 01 năm 2026”), or “năm 2025” without a month: a period in the text, each word
    joined to its number by a no-break space; the month is written as in a date (the months 1 and 2 with a leading
    zero), so a paper's period and its dates agree."""
    year_words = f"năm{NBSP}{year}"
    return f"tháng{NBSP}{_month_number(month)} {year_words}" if month else year_words


def unit_kind(ward) -> str:
    """Phường for an urban ward, xã for a rural commune (docs/documents.md, "The layout")."""
    return "xã" if ward.area_type == AreaType.RURAL else "phường"


def ward_full_name(ward) -> str:
    """“phường Hưng Bình” as the body of a sentence writes it."""
    return f"{unit_kind(ward)} {ward.name}"


def ward_issuer(ward) -> tuple[str, ...]:
    """The issuing body on two lines: “ỦY BAN NHÂN DÂN” / “PHƯỜNG HƯNG BÌNH”."""
    return (PEOPLES_COMMITTEE, f"{unit_kind(ward)} {ward.name}".upper())


# Where an upper-level unit's name names its locality ("Phòng Nông nghiệp và Môi trường thành phố Vinh").
LOCALITY = re.compile(r"\s(?=(?:thành phố|tỉnh|huyện|quận|thị xã)\s)", re.IGNORECASE)


def unit_issuer(name: str) -> tuple[str, ...]:
    """An upper-level unit as the issuing body: its office, then its locality, each a line ("PHÒNG NÔNG NGHIỆP
    VÀ MÔI TRƯỜNG" / "THÀNH PHỐ VINH"); as one line it wrapped mid-phrase ("… VÀ MÔI" / "TRƯỜNG …")."""
    parts = LOCALITY.split(name.strip(), maxsplit=1)
    return tuple(part.upper() for part in parts if part)


# Localities ND 30 writes in full before the date: named by a number ("Quận 1") or after a person.
FULL_NAME_LOCALITIES = {"hồ chí minh"}
LOCALITY_KIND = re.compile(r"^(thành phố|tỉnh|huyện|quận|thị xã)\s+(.+)$", re.IGNORECASE)


def unit_place(name: str) -> str:
    """The place before an upper-level unit's date, from the locality its name ends with (Nghị định 30, Phụ lục I:
    the administrative unit where the body sits, by its proper name): "Phòng Nông nghiệp và Môi trường thành
    phố Vinh" → "Vinh", "Sở Nông nghiệp và Môi trường tỉnh Nghệ An" → "Nghệ An"; a locality named by a number or
    after a person keeps its kind ("Quận 1", "Thành phố Hồ Chí Minh"). A name without a locality gives ""
    (the date alone)."""
    parts = LOCALITY.split(name.strip(), maxsplit=1)
    if len(parts) < 2:
        return ""
    locality = parts[1].split(",")[0].strip()
    match = LOCALITY_KIND.match(locality)
    if match is None:
        return ""
    kind, proper = match.group(1), match.group(2).strip()
    if proper[:1].isdigit() or proper.lower() in FULL_NAME_LOCALITIES:
        return f"{kind[:1].upper()}{kind[1:].lower()} {proper}"
    return proper


def number_line(number: str, symbol: str = "") -> str:
    """“Số: 120/KH-UBND”; an unnumbered document keeps the blank before its symbol (“Số:      /KH-UBND”)."""
    if number:
        return f"Số: {number}"
    return f"Số:{BLANK}/{symbol}" if symbol else "Số:"


@dataclass(frozen=True)
class Signer:
    """The signature block: authority lines (TM./KT.), the title, and the name under the signature."""

    authority: tuple[str, ...]
    name: str = ""


@dataclass(frozen=True)
class OfficialDocument:
    """What the common layout needs; the body comes from the document's own template."""

    issuer: tuple[str, ...]
    place: str
    on: date | None
    doc_type: str
    subject: tuple[str, ...] = ()
    number: str = ""
    symbol: str = ""
    signer: Signer | None = None
    recipients: tuple[str, ...] = ()
    landscape: bool = False
    title: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def number_text(self) -> str:
        return number_line(self.number, self.symbol)

    @property
    def place_date_text(self) -> str:
        return place_date(self.place, self.on)

    @property
    def pdf_title(self) -> str:
        return self.title or " ".join((self.doc_type.capitalize(), *self.subject)).strip()
