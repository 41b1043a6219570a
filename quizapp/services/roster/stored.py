"""A parsed roster as bytes, kept with its pending upload so the confirmation does not read the file again.

Compressed JSON lines written and read row by row (a 100,000-row roster is a few MB and never
one big string). Cell values are text, numbers, booleans, None, or dates and times (tagged).
JSON rather than pickle: the bytes come back from the database and must not be able to run code.
"""

from __future__ import annotations

import datetime
import json
import zlib

from quizapp.services.roster.reader import SHARED_COLUMNS, ParsedRoster
from quizapp.services.roster.report import RosterIssue

_FORMAT = 1
_TYPES = {"dt": datetime.datetime, "d": datetime.date, "t": datetime.time}


def _tag(value):
    for tag, kind in _TYPES.items():
        if value.__class__ is kind:
            return {"$": tag, "v": value.isoformat()}
    return str(value)  # anything else a reader may give (a duration) is kept as the text it shows


def _untag(obj):
    kind = _TYPES.get(obj.get("$")) if len(obj) == 2 else None
    return kind.fromisoformat(obj["v"]) if kind else obj


def _issue(issue: RosterIssue) -> list:
    return [issue.row, issue.column, issue.message, issue.sheet]


def dump_parsed(parsed: ParsedRoster) -> bytes:
    """The parsed roster as compressed JSON lines: a head line, then one line per row."""
    packer = zlib.compressobj(6)
    chunks = []
    head = {
        "format": _FORMAT,
        "filename": parsed.filename,
        "columns": parsed.columns,
        "headers": parsed.headers,
        "errors": [_issue(i) for i in parsed.errors],
        "warnings": [_issue(i) for i in parsed.warnings],
        "rows": len(parsed.rows),
    }
    encode = json.JSONEncoder(ensure_ascii=False, default=_tag, separators=(",", ":")).encode
    chunks.append(packer.compress(encode(head).encode() + b"\n"))
    for row in parsed.rows:
        chunks.append(packer.compress(encode(row).encode() + b"\n"))
    chunks.append(packer.flush())
    return b"".join(chunks)


def _lines(blob: bytes):
    unpacker = zlib.decompressobj()
    rest = b""
    for start in range(0, len(blob), 1 << 16):
        rest += unpacker.decompress(blob[start : start + (1 << 16)])
        *lines, rest = rest.split(b"\n")
        yield from lines
    rest += unpacker.flush()
    if rest:
        yield rest


def load_parsed(blob: bytes) -> ParsedRoster:
    """The parsed roster `dump_parsed` kept; ValueError when the bytes are not one."""
    decode = json.JSONDecoder(object_hook=_untag).decode
    lines = _lines(blob)
    try:
        head = decode(next(lines).decode())
        if head.get("format") != _FORMAT:
            raise ValueError("unknown format")
        parsed = ParsedRoster(
            filename=head["filename"],
            columns=head["columns"],
            headers=head["headers"],
            errors=[RosterIssue(*i) for i in head["errors"]],
            warnings=[RosterIssue(*i) for i in head["warnings"]],
        )
        # Repeated cells (chapter, gender…) are shared between rows, as the reader does.
        shared = [
            k for k, c in enumerate(parsed.columns) if c in SHARED_COLUMNS or c.startswith("attr:")
        ]
        pool: dict = {}
        rows = parsed.rows
        for line in lines:
            sheet, number, values = decode(line.decode())
            for k in shared:
                if k < len(values) and values[k] is not None:
                    values[k] = pool.setdefault(values[k], values[k])
            rows.append((sheet, number, tuple(values)))
    except (StopIteration, KeyError, TypeError, zlib.error, UnicodeDecodeError) as err:
        raise ValueError(f"not a kept roster: {err}") from None
    if len(rows) != head["rows"]:
        raise ValueError("kept roster is incomplete")
    return parsed
