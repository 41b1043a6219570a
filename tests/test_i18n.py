"""Vietnamese is the source language; the English catalogue translates every string."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
}
METHODS = [("quizapp/**.py", "python"), ("quizapp/templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]")


def _source_messages() -> set:
    found = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT),
        method_map=METHODS,
        keywords=KEYWORDS,
        options_map={"quizapp/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def _english() -> dict:
    with (ROOT / "quizapp/translations/en/LC_MESSAGES/messages.po").open("rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id}


def test_every_string_in_the_code_has_an_english_translation():
    english = _english()
    missing = sorted(
        str(m)
        for m in _source_messages()
        if not english.get(m) or (isinstance(english.get(m), tuple) and not all(english[m]))
    )
    assert missing == [], f"{len(missing)} strings lack English: {missing[:10]}"


def test_english_translations_keep_every_placeholder():
    for msgid, msgstr in _english().items():
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        strs = msgstr if isinstance(msgstr, tuple) else (msgstr,)
        for source, target in zip(ids, strs):
            if target:
                assert set(PLACEHOLDER.findall(source)) == set(PLACEHOLDER.findall(target)), (
                    source,
                    target,
                )


def test_interface_strings_are_vietnamese_with_diacritics():
    # The source language is Vietnamese: a catalogue full of ASCII-only sentences would
    # mean someone wrote English msgids that Vietnamese users would see untranslated.
    messages = [m for m in _source_messages() if isinstance(m, str) and len(m.split()) >= 4]
    ascii_only = [m for m in messages if m.isascii() and not PLACEHOLDER.fullmatch(m.strip())]
    assert len(ascii_only) <= len(messages) // 50, ascii_only[:20]
