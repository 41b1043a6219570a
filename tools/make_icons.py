"""Draw the home-screen icons (PNG 192/512 and SVG) for the web app manifest, no image library.

Run `python tools/make_icons.py`; the files are committed under quizapp/static/icons/.
The design: the brand blue (--brand in app.css), a white disc and a blue tick, all inside the maskable safe zone.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "quizapp" / "static" / "icons"
BLUE, WHITE = (0x0B, 0x4E, 0xA2), (0xFF, 0xFF, 0xFF)
# In units of the icon's side: the disc stays within the 80% safe zone of maskable icons.
DISC = (0.5, 0.5, 0.34)
TICK = [(0.33, 0.52), (0.45, 0.64), (0.68, 0.38)]
TICK_WIDTH = 0.075


def _segment_distance(px, py, a, b):
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


def _colour_at(x: float, y: float):
    cx, cy, r = DISC
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return BLUE
    near = min(_segment_distance(x, y, TICK[i], TICK[i + 1]) for i in range(len(TICK) - 1))
    return BLUE if near <= TICK_WIDTH / 2 else WHITE


def png(size: int) -> bytes:
    """The icon as an RGB PNG of size×size pixels (4 samples a pixel for smooth edges)."""
    offsets = (0.25, 0.75)
    rows = []
    for j in range(size):
        row = bytearray(b"\x00")
        for i in range(size):
            samples = [
                _colour_at((i + ox) / size, (j + oy) / size) for ox in offsets for oy in offsets
            ]
            row += bytes(sum(s[k] for s in samples) // len(samples) for k in range(3))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def svg() -> str:
    """The same icon as SVG (100 units a side)."""
    cx, cy, r = (v * 100 for v in DISC)
    points = " ".join(f"{x * 100:g},{y * 100:g}" for x, y in TICK)
    blue = "#{:02x}{:02x}{:02x}".format(*BLUE)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        f'<rect width="100" height="100" fill="{blue}"/>'
        f'<circle cx="{cx:g}" cy="{cy:g}" r="{r:g}" fill="#fff"/>'
        f'<polyline points="{points}" fill="none" stroke="{blue}" stroke-width="{TICK_WIDTH * 100:g}" '
        f'stroke-linecap="butt" stroke-linejoin="round"/></svg>\n'
    )


def main() -> None:
    """Write icon-192.png, icon-512.png and icon.svg."""
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        (OUT / f"icon-{size}.png").write_bytes(png(size))
    (OUT / "icon.svg").write_text(svg(), encoding="utf-8")


if __name__ == "__main__":
    main()
