"""The application icon in assets/ (issue 12, item 14): drawn as SVG by scripts/make-icon.py,
rendered to PNG and ICO from it, carried by the bundle, named by the .desktop entry and the exe,
and set as the window icon."""

from __future__ import annotations

import configparser
import re
import struct
from pathlib import Path

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtSvg import QSvgRenderer

from signage.ui.icon import app_icon, icon_files

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "assets"


def ico_entries(data: bytes) -> list[tuple[int, bytes]]:
    """(size, PNG bytes) of each entry of an ICO file."""
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1)
    out = []
    for i in range(count):
        w, _, _, _, _, _, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        out.append((w or 256, data[offset : offset + length]))
    return out


def colours(image: QImage) -> int:
    return len(
        {image.pixel(x, y) for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)}
    )


def test_the_svg_draws_with_paths_only_and_renders(qapp: QGuiApplication) -> None:
    text = (ASSETS / "signage.svg").read_text(encoding="utf-8")
    assert "<text" not in text  # the glyph is a path: the same on a machine without the font
    assert QSvgRenderer(QByteArray(text.encode())).isValid()


def test_png_and_ico_are_rendered_from_the_svg(qapp: QGuiApplication) -> None:
    png = QImage(str(ASSETS / "signage.png"))
    assert (png.width(), png.height()) == (256, 256)
    assert colours(png) > 20  # drawn, not blank
    assert png.pixelColor(0, 255).alpha() == 0  # a transparent corner: the monitor is rounded
    entries = ico_entries((ASSETS / "signage.ico").read_bytes())
    assert [size for size, _ in entries] == [16, 24, 32, 48, 64, 128, 256]
    for size, blob in entries:
        image = QImage.fromData(blob, "PNG")
        assert (image.width(), image.height()) == (size, size)
    assert QImage.fromData(entries[-1][1], "PNG") == png.convertToFormat(
        QImage.fromData(entries[-1][1], "PNG").format()
    )


def test_the_bundle_and_the_desktop_entry_carry_the_icon() -> None:
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert 'ICON = ROOT / "assets" / "signage.ico"' in spec and "icon=str(ICON)" in spec
    assert re.search(r'"signage\.png".*\n.*"assets"\)', spec)
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ROOT / "deploy" / "linux" / "signage.desktop", encoding="utf-8")
    # the bundle's data folder (_internal) under /opt/signage, as docs/deploy.md installs it
    assert parser["Desktop Entry"]["Icon"] == "/opt/signage/_internal/assets/signage.png"


def test_the_window_icon_is_the_app_icon(qapp: QGuiApplication) -> None:
    assert icon_files() == [ASSETS / "signage.png"]
    icon = app_icon()
    assert not icon.isNull()
    assert icon.pixmap(64, 64).toImage().width() == 64
