"""Colours used on the member pages meet WCAG AA: 4.5:1 for text, 3:1 for borders and markers."""

import re
from pathlib import Path

import pytest

CSS = (
    Path(__file__).resolve().parent.parent / "quizapp" / "static" / "css" / "app.css"
).read_text()
VARS = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", CSS.split("}", 1)[0]))


def colour(name: str) -> str:
    return VARS[name[2:]] if name.startswith("--") else name


def luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(colour(a)), luminance(colour(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


TEXT_PAIRS = [
    ("--fg", "--card"),
    ("--fg", "--bg"),
    ("--muted", "--card"),
    ("--muted", "--bg"),
    ("--ok", "--card"),
    ("--warn", "--card"),
    ("--bad", "--card"),  # save status, low timer
    ("#fff", "--brand"),
    ("--brand", "--card"),  # answered palette, buttons
    ("--fg", "#e8f0fb"),
    ("--fg", "#f1f4f8"),  # chosen option, explanation
]
MARKER_PAIRS = [
    ("#8a9099", "--card"),
    ("--warn", "--card"),
    ("--brand", "--card"),
    ("--fg", "--card"),
]


@pytest.mark.parametrize("fg,bg", TEXT_PAIRS)
def test_text_colours_reach_4_5_to_1(fg, bg):
    assert contrast(fg, bg) >= 4.5


@pytest.mark.parametrize("fg,bg", MARKER_PAIRS)
def test_borders_and_markers_reach_3_to_1(fg, bg):
    assert contrast(fg, bg) >= 3.0
