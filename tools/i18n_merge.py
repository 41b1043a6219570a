"""Merge translation JSON files ({msgid: msgstr}) into the English catalogue.

Usage: python tools/i18n_merge.py translations.json [more.json ...]
Plural entries use the key "singular\\0plural" and a [singular, plural] value.
Run `make i18n` first so the catalogue has every msgid.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUE = (
    Path(__file__).resolve().parent.parent / "quizapp/translations/en/LC_MESSAGES/messages.po"
)


def main(paths: list[str]) -> int:
    """Fill empty English translations from the given JSON files; report what is still missing."""
    table: dict = {}
    for path in paths:
        table.update(json.loads(Path(path).read_text(encoding="utf-8")))
    with CATALOGUE.open("rb") as f:
        catalog = read_po(f)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = "\0".join(message.id) if isinstance(message.id, tuple) else message.id
        has = all(message.string) if isinstance(message.string, tuple) else bool(message.string)
        if key in table:
            value = table[key]
            message.string = tuple(value) if isinstance(message.id, tuple) else value
            message.flags.discard("fuzzy")
        elif not has:
            missing.append(key)
    with CATALOGUE.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False)
    for key in missing:
        print("missing:", key.replace("\0", " | "))
    print(f"{len(missing)} untranslated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
