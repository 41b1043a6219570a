"""How a typed number is read, the one rule for grading, the console's number fields and the
hint beside a numeric answer (below everything that uses it: it needs only the standard library)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# How numbers are read (issue 12): the Vietnamese convention first, the English form where it
# cannot mean anything else. A dot followed by groups of exactly three digits groups thousands
# ("700.000" = 700000); a comma is the decimal mark ("3,5" = 3.5). "1,234.5", "1,000,000" and
# "3.5" or "0.500" can only be English, so they are read that way. static/js/number-hint.js
# mirrors these rules for the hint beside the field; a browser test checks both agree.
VI_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")  # 700.000, 1.234.567
EN_GROUPED = re.compile(
    r"[1-9][0-9]{0,2}(?:,[0-9]{3})+"
)  # 1,000 (only with a decimal dot or twice)
DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Reading:
    """A typed number as understood: sign, whole digits and fraction digits (exact, no float)."""

    negative: bool
    whole: str  # digits without leading zeros ("0" for none)
    fraction: str  # digits without trailing zeros ("" for none)

    @property
    def value(self) -> float:
        """The number as a float, for comparing with a key."""
        text = self.whole + ("." + self.fraction if self.fraction else "")
        return -float(text) if self.negative else float(text)

    @property
    def canonical(self) -> str:
        """The number in plain machine form: "-1234.5"."""
        text = self.whole + ("." + self.fraction if self.fraction else "")
        return "-" + text if self.negative and text != "0" else text


def _split(s: str) -> tuple[str, str] | None:
    """(whole digits, fraction digits) of an unsigned number as typed; None when not a number."""
    if "," in s and "." in s:
        if s.rfind(",") > s.rfind("."):  # 1.234,5: Vietnamese
            whole, _, fraction = s.rpartition(",")
            grouped = VI_GROUPED.fullmatch(whole)
        else:  # 1,234.5: English (a comma never follows the dot)
            whole, _, fraction = s.rpartition(".")
            grouped = EN_GROUPED.fullmatch(whole)
        if not (grouped and DIGITS.fullmatch(fraction)):
            return None
        return whole.replace(".", "").replace(",", ""), fraction
    if DIGITS.fullmatch(s):
        return s, ""
    if VI_GROUPED.fullmatch(s):  # 700.000 groups thousands
        return s.replace(".", ""), ""
    if s.count(",") > 1 and EN_GROUPED.fullmatch(s):  # 1,000,000 cannot be a decimal
        return s.replace(",", ""), ""
    for mark in ",.":  # 3,5 (so 700,000 is 700), or 3.5, 0.500, 1234.567
        whole, sep, fraction = s.partition(mark)
        if sep and (whole == "" or DIGITS.fullmatch(whole)) and DIGITS.fullmatch(fraction):
            return whole or "0", fraction
    return None


def read_number(text: Any) -> Reading | None:
    """How a typed number is understood ("700.000" = 700000, "3,5" = 3.5); None if not a number."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        return None
    if isinstance(text, float):
        if not math.isfinite(text):
            return None
        text = format(Decimal(repr(text)), "f")
    # Full-width digits and marks from phone keyboards, every kind of space, the true minus sign.
    s = "".join(unicodedata.normalize("NFKC", str(text)).split()).replace("\u2212", "-")
    negative = s.startswith("-")
    parts = _split(s[1:] if s[:1] in "+-" else s)
    if parts is None or len(parts[0]) > 30:
        return None
    whole, fraction = parts[0].lstrip("0") or "0", parts[1].rstrip("0")
    return Reading(
        negative=negative and (whole, fraction) != ("0", ""), whole=whole, fraction=fraction
    )
