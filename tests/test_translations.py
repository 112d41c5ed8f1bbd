"""The Vietnamese catalogue is complete and its compiled .mo matches the .po."""

import json
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext

PO = Path(__file__).resolve().parent.parent / "locale/vi/LC_MESSAGES/django.po"
KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$')


def parse_po(path):
    """Entries of a .po file as dicts of keyword → text, with a `fuzzy` flag."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        entry, key = {"fuzzy": any(line.startswith("#,") and "fuzzy" in line for line in lines)}, None
        for line in lines:
            if match := KEYWORD.match(line):
                key = match.group(1)
                entry[key] = json.loads(match.group(2))
            elif line.startswith('"') and key:
                entry[key] += json.loads(line)
        if "msgid" in entry and entry["msgid"] != "":  # skip the header
            entries.append(entry)
    return entries


ENTRIES = parse_po(PO)


IDS = [f"{n}:{entry['msgid'][:50]}" for n, entry in enumerate(ENTRIES)]


def test_catalogue_was_parsed():
    assert len(ENTRIES) > 50
    assert any(e["msgid"] == "Log in" and e["msgstr"] == "Đăng nhập" for e in ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_entry_is_translated_and_not_fuzzy(entry):
    assert not entry["fuzzy"], "fuzzy entries are not used: review and remove the flag"
    translations = [v for k, v in entry.items() if k.startswith("msgstr")]
    assert translations, "no msgstr"
    assert all(t.strip() for t in translations), "empty msgstr"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_compiled_catalogue_matches_the_po(entry):
    # A mismatch means `make messages` (compilemessages) was not run after editing the .po.
    with translation.override("vi"):
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            if context is None:
                actual = ngettext(entry["msgid"], entry["msgid_plural"], 1)
            else:
                actual = npgettext(context, entry["msgid"], entry["msgid_plural"], 1)
            expected = entry["msgstr[0]"]
        else:
            actual = gettext(entry["msgid"]) if context is None else pgettext(context, entry["msgid"])
            expected = entry["msgstr"]
    assert actual == expected
