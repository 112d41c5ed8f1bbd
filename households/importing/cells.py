"""One cell of the workbook to one value: text, date, yes/no, gender, classification, ID number.

Plain functions; a cell that cannot be read raises BadCell with a Vietnamese
message saying what to write instead.
"""

import re
from datetime import date, datetime

from django.utils.translation import gettext as _

from ..rules import Status
from ..text import ascii_digits, fold, nfc
from .workbook import DATE_FORMAT, ESCAPED_LABEL, GENDER_LABELS, STATUS_LABELS, YES


def key(text) -> str:
    """How header cells, sheet names and khối names are compared: NFC, case and spacing ignored."""
    return nfc(text).casefold()


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    return nfc(str(value))


def filled(value) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def id_number(value) -> str:
    """A CCCD as text; a number cell lost its leading zeros (Hà Nội is 001…), so they are put back."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        digits = str(int(value))
        return digits.zfill(12) if len(digits) < 12 else digits
    return ascii_digits(as_text(value).replace(" ", ""))


_DATE_TEXT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class BadCell(Exception):
    pass


def version(value) -> int | None:
    """The export's hidden household version: a whole number, or nothing (a list typed by hand)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = as_text(value)
    if text.isascii() and text.isdigit() and 0 < len(text) < 10:
        return int(text)
    raise BadCell(_("“%(value)s” is not a version: leave this column as the export wrote it.") % {"value": text})


def to_date(value) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = as_text(value)
    match = _DATE_TEXT.match(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None and (iso := _ISO_DATE.match(text)):
        parts = iso.groups()
    try:
        if parts is None:
            raise ValueError
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise BadCell(
            _("“%(value)s” is not a date. Write it as dd/mm/yyyy, for example 05/09/2024.") % {"value": text}
        ) from None


_YES = frozenset({"x", "co", "1", "true", "yes"})
_NO = frozenset({"", "khong", "0", "false", "no"})


def yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = fold(as_text(value))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise BadCell(
        _("“%(value)s” is not a yes/no answer. Write x (or “có”, 1) for yes and leave the cell empty for no.")
        % {"value": as_text(value)}
    )


def gender(value) -> str:
    text = fold(as_text(value))
    if not text:
        return ""
    for gender, label in GENDER_LABELS.items():
        if text == fold(label):
            return gender
    raise BadCell(
        _("Unknown gender “%(value)s”. Write Nam or Nữ, or leave the cell empty.") % {"value": as_text(value)}
    )


def status(value) -> tuple[str, bool]:
    """(status, escaped): “Hộ mới thoát nghèo” is not poor, escaped on the recognition date."""
    text = fold(as_text(value))
    if text == fold(ESCAPED_LABEL):
        return Status.NOT_POOR, True
    for status, label in STATUS_LABELS.items():
        if text == fold(label):
            return status, False
    labels = ", ".join([*STATUS_LABELS.values(), ESCAPED_LABEL])
    raise BadCell(
        _("Unknown classification “%(value)s”. Write one of: %(labels)s.") % {"value": as_text(value), "labels": labels}
    )
