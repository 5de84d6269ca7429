"""Draw the WayHome app icons (PNG) with numpy and zlib only, so no image library is needed.

Run: .venv/bin/python scripts/make_icons.py  -> pwa/icons/{icon-192,icon-512,maskable-512,apple-touch-icon}.png
The icon: a white house with a warm yellow door on the brand blue; the maskable variant keeps the house inside
the central safe zone (a circle of 80% diameter) and fills the whole square.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

OUT_DIR = Path(__file__).resolve().parent.parent / "pwa" / "icons"
BRAND = (11, 61, 107)
WHITE = (255, 255, 255)
DOOR = (255, 191, 71)
SUPERSAMPLE = 4


def _png_bytes(rgba: np.ndarray) -> bytes:
    height, width, _ = rgba.shape
    raw = b"".join(b"\x00" + rgba[y].tobytes() for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _house_masks(x: np.ndarray, y: np.ndarray, *, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """House and door coverage for unit coordinates (0..1), house scaled about the centre."""
    u = (x - 0.5) / scale + 0.5
    v = (y - 0.5) / scale + 0.5
    roof = (v >= 0.18) & (v <= 0.48) & (np.abs(u - 0.5) <= (v - 0.18) / 0.30 * 0.36)
    body = (u >= 0.24) & (u <= 0.76) & (v >= 0.46) & (v <= 0.82)
    door = (u >= 0.43) & (u <= 0.57) & (v >= 0.60) & (v <= 0.82)
    return roof | body, door


def draw_icon(*, size_px: int, maskable: bool) -> np.ndarray:
    n = size_px * SUPERSAMPLE
    coords = (np.arange(n) + 0.5) / n
    x, y = np.meshgrid(coords, coords)
    if maskable:
        background = np.ones_like(x, dtype=bool)
        house, door = _house_masks(x, y, scale=0.62)
    else:
        r = 0.18  # rounded square corner radius
        dx = np.maximum(np.abs(x - 0.5) - (0.5 - r), 0)
        dy = np.maximum(np.abs(y - 0.5) - (0.5 - r), 0)
        background = dx * dx + dy * dy <= r * r
        house, door = _house_masks(x, y, scale=0.9)
    rgba = np.zeros((n, n, 4), dtype=np.float64)
    for mask, fill in ((background, BRAND), (house & background, WHITE), (door & background, DOOR)):
        rgba[mask, :3] = fill
        rgba[mask, 3] = 255
    # Average each SUPERSAMPLE x SUPERSAMPLE block (premultiplied) for smooth edges.
    premul = rgba.copy()
    premul[..., :3] *= premul[..., 3:4] / 255.0
    blocks = premul.reshape(size_px, SUPERSAMPLE, size_px, SUPERSAMPLE, 4).mean(axis=(1, 3))
    alpha = blocks[..., 3:4]
    colour = np.where(alpha > 0, blocks[..., :3] * 255.0 / np.maximum(alpha, 1e-9), 0)
    out = np.concatenate([colour, alpha], axis=-1)
    icon: np.ndarray = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return icon


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    targets = {
        "icon-192.png": (192, False),
        "icon-512.png": (512, False),
        "maskable-512.png": (512, True),
        "apple-touch-icon.png": (180, True),
    }
    for name, (size_px, maskable) in targets.items():
        path = OUT_DIR / name
        path.write_bytes(_png_bytes(draw_icon(size_px=size_px, maskable=maskable)))
        print(f"{path.relative_to(OUT_DIR.parent.parent)}: {size_px}x{size_px}, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
