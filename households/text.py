"""Vietnamese text helpers: NFC normalisation, accent folding and collation keys.

Plain functions over strings. The registry stores their results in indexed
columns, so search and Vietnamese alphabetical order work the same on SQLite
and PostgreSQL without database extensions.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str | None) -> str:
    """Trimmed, single-spaced NFC text: what every input and imported cell becomes."""
    if text is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def fold(text: str | None) -> str:
    """Lower case without diacritics: 'Nguyễn Thị Hằng' -> 'nguyen thi hang'."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower())
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return stripped.replace("đ", "d")


# Vietnamese alphabet order; tones are a second-level difference, in dictionary
# order: none, huyền, hỏi, ngã, sắc, nặng.
_ALPHABET = "0123456789aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _code(index: int) -> str:
    # Two lower-case ASCII letters per character: strings made only of [a-z]
    # compare the same under byte order and any locale collation. "aa" is kept
    # for the word separator, lower than every character.
    index += 1
    return _LETTERS[index // 26] + _LETTERS[index % 26]


def _letters(word: str) -> list[tuple[str, int]]:
    """(base letter with its vowel marks, tone number) for each character of a word."""
    out = []
    for char in unicodedata.normalize("NFD", word.lower()):
        if unicodedata.category(char) == "Mn":
            if not out:
                continue
            base, tone = out[-1]
            if char in _TONES:
                out[-1] = (base, _TONES[char])
            elif char == "\u0306" and base == "a":
                out[-1] = ("ă", tone)
            elif char == "\u0302" and base in "aeo":
                out[-1] = ({"a": "â", "e": "ê", "o": "ô"}[base], tone)
            elif char == "\u031b" and base in "ou":
                out[-1] = ({"o": "ơ", "u": "ư"}[base], tone)
            continue
        out.append((char, 0))
    return out


def collation_key(name: str | None) -> str:
    """A key that sorts names in Vietnamese order, given name first.

    Vietnamese lists order people by their given name (the last word), then by
    family and middle names: 'Trần Văn An' comes before 'Lê Thị Bình'.
    """
    words = nfc(name).split(" ")
    if words == [""]:
        return ""
    ordered = [words[-1], *words[:-1]]
    primary, secondary = [], []
    for word in ordered:
        for base, tone in _letters(word):
            position = _ALPHABET.find(base)
            primary.append(_code(position if position >= 0 else len(_ALPHABET)))
            secondary.append(_LETTERS[tone])
        primary.append("aa")
    return "".join(primary) + "".join(secondary)


# Characters nobody types into a name, an address or a note: C0 and C1 control
# characters (tab and line breaks excepted), lone surrogates and the two
# non-characters. An XML file (so an .xlsx workbook) cannot hold most of them
# and PostgreSQL refuses NUL, so input carrying one is refused with a message
# (hungbinh/text_input.py) and stored text from before is cleaned on export.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def ascii_digits(text: str) -> str:
    """Any decimal digit (fullwidth ０–９, Thai, Arabic-Indic…) as its ASCII digit, for ID numbers."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text)


def has_control_characters(text) -> bool:
    return isinstance(text, str) and _CONTROL.search(text) is not None


def without_control_characters(text: str) -> str:
    """The text with those characters removed (what an export writes of older stored text)."""
    return _CONTROL.sub("", text)
