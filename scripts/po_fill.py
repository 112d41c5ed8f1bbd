"""Fill empty Vietnamese translations in the catalogue from a JSON file.

Usage: python scripts/po_fill.py translations.json [locale/vi/LC_MESSAGES/django.po]

The JSON maps an English msgid to its Vietnamese text (for a plural entry, to a
list [singular, plural]; Vietnamese has one form, so one string is enough).
Entries already translated are left alone, so the command can run again.
Prints the msgids still untranslated afterwards.
"""

import json
import re
import sys
from pathlib import Path

DEFAULT_PO = Path(__file__).resolve().parent.parent / "locale/vi/LC_MESSAGES/django.po"


def _unquote(lines):
    return "".join(json.loads(line[line.index('"') :]) for line in lines)


def _quote(text):
    return json.dumps(text, ensure_ascii=False)


def fill(po_path: Path, translations: dict) -> list[str]:
    blocks = po_path.read_text(encoding="utf-8").split("\n\n")
    missing = []
    out = []
    for block in blocks:
        lines = block.split("\n")
        keys = [i for i, line in enumerate(lines) if re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(\[\d\])?) "', line)]
        if not keys or not any(lines[i].startswith("msgid ") for i in keys):
            out.append(block)
            continue
        parts = {}
        for n, i in enumerate(keys):
            end = keys[n + 1] if n + 1 < len(keys) else len(lines)
            name = lines[i].split(" ", 1)[0]
            parts[name] = _unquote([lines[i]] + [line for line in lines[i + 1 : end] if line.startswith('"')])
        msgid = parts.get("msgid", "")
        if msgid == "" or block.lstrip().startswith("#~"):
            out.append(block)
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        current = [v for k, v in parts.items() if k.startswith("msgstr")]
        if all(current) and not fuzzy:
            out.append(block)
            continue
        value = translations.get(msgid)
        if value is None:
            missing.append(msgid)
            out.append(block)
            continue
        value = value[0] if isinstance(value, list) else value
        head = [
            line
            for line in lines[: keys[0]]
            if not (line.startswith("#,") and "fuzzy" in line) and not line.startswith("#| ")
        ]
        body = []
        if "msgctxt" in parts:
            body.append(f"msgctxt {_quote(parts['msgctxt'])}")
        body.append(f"msgid {_quote(msgid)}")
        if "msgid_plural" in parts:
            body.append(f"msgid_plural {_quote(parts['msgid_plural'])}")
            body.append(f"msgstr[0] {_quote(value)}")
        else:
            body.append(f"msgstr {_quote(value)}")
        out.append("\n".join(head + body))
    po_path.write_text("\n\n".join(out), encoding="utf-8")
    return missing


def main(argv):
    translations = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    po_path = Path(argv[2]) if len(argv) > 2 else DEFAULT_PO
    missing = fill(po_path, translations)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
