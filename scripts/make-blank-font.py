"""Write signage/ui/blank_font.py: a 600-byte TrueType font with no characters.

The kiosk adds and removes it once a day so that Qt empties its font cache (see
`signage.ui.fonts.forget_glyphs`); it is never drawn. Needs fontTools, which the kiosk does not:

    pip install fonttools && python scripts/make-blank-font.py
"""

from __future__ import annotations

import base64
import io
import textwrap
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

OUT = Path(__file__).resolve().parents[1] / "signage" / "ui" / "blank_font.py"


def blank_font() -> bytes:
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef"])
    builder.setupCharacterMap({})
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph()})
    builder.setupHorizontalMetrics({".notdef": (500, 0)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "signage blank", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


def main() -> None:
    encoded = base64.b64encode(blank_font()).decode("ascii")
    lines = "\n".join(f'    "{chunk}"' for chunk in textwrap.wrap(encoded, 88))
    OUT.write_text(
        '"""A TrueType font with no characters, family "signage blank" (never drawn: see\n'
        '`signage.ui.fonts.forget_glyphs`). Written by scripts/make-blank-font.py."""\n\n'
        "import base64\n\n"
        f"DATA = base64.b64decode(\n{lines}\n)\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
