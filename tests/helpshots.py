"""Plain helpers for the guides' screenshots (no fixtures): which screenshots the guides show,
where they live, and how a browser screenshot becomes a small WebP file."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
GUIDE_TEMPLATES = ROOT / "quizapp" / "templates" / "help"
SHOT_FOLDER = ROOT / "quizapp" / "static" / "help"
SHOT_CALL = re.compile(r"""\bshot\(\s*["']([a-z0-9-]+)["']""")
# The guides' pictures together stay light for a phone on a slow connection.
TOTAL_BUDGET_BYTES = 1_200_000


def referenced_shots() -> dict[str, list[str]]:
    """Screenshot name → the guide templates that show it."""
    found: dict[str, list[str]] = {}
    for template in sorted(GUIDE_TEMPLATES.glob("*.html")):
        for name in SHOT_CALL.findall(template.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(template.name)
    return found


def save_webp(png: bytes, path: Path) -> int:
    """Write a browser screenshot as a lossy WebP (text stays legible at q=72); returns bytes."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "WEBP", quality=72, method=6)
    path.write_bytes(out.getvalue())
    return len(out.getvalue())
