"""Draw the application icon: assets/signage.svg, then signage.png and signage.ico from it.

    python scripts/make-icon.py          # needs PySide6 and a Japanese bold font (BIZ UDGothic)

A rounded navy monitor on a stand with 「職」 (職員室) on its screen, in the screen's own colours.
The glyph is written into the SVG as a path, so the SVG shows the same on a machine without the
font; the PNG (256 px) and the ICO (16-256 px, PNG-compressed entries, as Windows Vista+ reads)
are rendered from the SVG with Qt. Run it again after editing the drawing, and commit all three.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QImage, QPainter, QPainterPath
from PySide6.QtSvg import QSvgRenderer

ASSETS = Path(__file__).resolve().parents[1] / "assets"
FAMILIES = ("BIZ UDGothic", "BIZ UDPGothic", "Noto Sans CJK JP", "Yu Gothic UI", "Meiryo")
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
GLYPH = "職"


def glyph_path(box: QRectF) -> str:
    """SVG path data of the glyph, centred in `box` and filling its height."""
    present = set(QFontDatabase.families())
    family = next((f for f in FAMILIES if f in present), None)
    if family is None:
        sys.exit(f"make-icon: no Japanese font among {', '.join(FAMILIES)}")
    font = QFont(family)
    font.setBold(True)
    font.setPixelSize(100)
    path = QPainterPath()
    path.addText(QPointF(0, 0), font, GLYPH)
    bounds = path.boundingRect()
    scale = box.height() / bounds.height()
    out: list[str] = []
    for i in range(path.elementCount()):
        e = path.elementAt(i)
        x = box.center().x() + (e.x - bounds.center().x()) * scale
        y = box.center().y() + (e.y - bounds.center().y()) * scale
        op = {0: "M", 1: "L", 2: "C", 3: ""}[int(e.type.value)]
        out.append(f"{op}{x:.2f} {y:.2f}")
    return " ".join(out) + " Z"


def svg() -> str:
    screen = QRectF(40, 52, 176, 120)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- signage: the application icon (scripts/make-icon.py draws it; do not edit by hand) -->
<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <title>職員室大型モニター</title>
  <rect x="100" y="190" width="56" height="28" fill="#2a3b55"/>
  <rect x="64" y="212" width="128" height="18" rx="9" fill="#2a3b55"/>
  <rect x="16" y="28" width="224" height="168" rx="28" fill="#0d1726"/>
  <rect x="{screen.x()}" y="{screen.y()}" width="{screen.width()}" height="{screen.height()}"
        rx="12" fill="#162438"/>
  <rect x="{screen.x()}" y="{screen.bottom() - 12}" width="{screen.width()}" height="12"
        fill="#E69F00"/>
  <path fill="#f6f2ea" fill-rule="evenodd" d="{glyph_path(QRectF(78, 60, 100, 96))}"/>
</svg>
"""


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(images: list[bytes], sizes: tuple[int, ...]) -> bytes:
    """An ICO file whose entries are PNGs (one per size)."""
    head = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in zip(sizes, images, strict=True):
        side = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset)
        blobs += blob
        offset += len(blob)
    return head + entries + blobs


def main() -> None:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    assert app is not None
    ASSETS.mkdir(exist_ok=True)
    text = svg()
    (ASSETS / "signage.svg").write_text(text, encoding="utf-8", newline="\n")
    renderer = QSvgRenderer(QByteArray(text.encode()))
    if not renderer.isValid():
        sys.exit("make-icon: Qt could not read the SVG it wrote")
    (ASSETS / "signage.png").write_bytes(png_bytes(render(renderer, 256)))
    blobs = [png_bytes(render(renderer, size)) for size in ICO_SIZES]
    (ASSETS / "signage.ico").write_bytes(ico(blobs, ICO_SIZES))
    for name in ("signage.svg", "signage.png", "signage.ico"):
        print(f"make-icon: assets/{name} ({(ASSETS / name).stat().st_size} bytes)")


if __name__ == "__main__":
    main()
