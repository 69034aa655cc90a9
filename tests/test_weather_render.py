"""The weather strip and the WBGT card, painted at every screen size: in JMA's and the
Ministry's colours, beside the urgent strip (never hidden by it), nothing cut off."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage

from signage.config import Config, School, SourceConfig
from signage.model import HeatIndex, Notice, Snapshot, WeatherWarning
from signage.presenter import Frame, current_banners
from signage.ui import draw, weather_strip
from signage.ui.panels import weather_card
from signage.ui.render import ensure_gui, render_image
from signage.ui.screen import layout
from signage.ui.theme import Metrics
from signage.view import View, build_view
from tests.moments import TOKYO

SIZES = [(1920, 1080), (3840, 2160), (1366, 768), (1280, 720), (1080, 1920)]
NOW = datetime(2026, 7, 22, 10, 40, tzinfo=TOKYO)
CONFIG = Config(
    school=School("伊勢崎市立みらい小学校"),
    sources=(
        SourceConfig("board", "json", "notices", "n.json", "/n.json"),
        SourceConfig("jma", "jma_warnings", "weather", "", "https://x.example/w.json"),
        SourceConfig("heat", "wbgt", "weather", "", "https://x.example/h.csv"),
    ),
)
TODAY_FRAME = Frame("today", 0.0, ["today"], frozenset({"today"}))


def slots(day: date, values: list[float]) -> tuple[tuple[datetime, float], ...]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=TOKYO)
    return tuple((start + timedelta(hours=3 * (i + 1)), v) for i, v in enumerate(values))


WARNINGS = (
    WeatherWarning("jma", "33", "大雨特別警報", "特別警報", "発表", NOW - timedelta(hours=2), 5),
    WeatherWarning("jma", "05", "暴風警報", "警報", "継続", NOW - timedelta(days=1), None),
    WeatherWarning("jma", "14", "雷注意報", "注意報", "継続", NOW - timedelta(hours=5), None),
)
HEAT = HeatIndex(
    "heat",
    "42302",
    NOW - timedelta(hours=20),
    slots(NOW.date(), [26.1, 25.4, 28.8, 31.6, 33.2, 30.0, 28.2, 27.0]),
    (NOW.date(),),
)


def view_of(*snapshots: Snapshot) -> View:
    return build_view(CONFIG, list(snapshots), NOW)


def snaps(warnings: tuple[WeatherWarning, ...] = WARNINGS, heat: bool = True) -> list[Snapshot]:
    return [
        Snapshot("board", (Notice("board", "【至急】プール開放は中止", priority="urgent"),), NOW),
        Snapshot("jma", warnings, NOW),
        Snapshot("heat", (HEAT,) if heat else (), NOW),
    ]


Drawn = list[tuple[str, str, QRectF]]  # module, text (as drawn, … when cut), where


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Drawn:
    """What the strip's and the card's painters draw: each text line and each chip."""
    found: Drawn = []
    for module in (weather_strip, weather_card):
        name = module.__name__.rsplit(".", 1)[1]

        def text_block(*args: Any, _name: str = name, **kwargs: Any) -> float:
            p, x, y, width, text, font, *_ = args
            max_lines = args[7] if len(args) > 7 else kwargs.get("max_lines", 1)
            for line in draw.wrap(text, font, width, max_lines):
                found.append((_name, line, QRectF(x, y, width, draw.line_height(font))))
            return draw.text_block(*args, **kwargs)

        def chip(*args: Any, _name: str = name, **kwargs: Any) -> float:
            p, x, y, text, font, color, filled, pad, *rest = args
            w = draw.chip(*args, **kwargs)
            right = rest[0] if rest else kwargs.get("right", False)
            left = x - w if right else x
            found.append((_name, text, QRectF(left, y, w, draw.line_height(font))))
            return w

        monkeypatch.setattr(module, "text_block", text_block)
        monkeypatch.setattr(module, "chip", chip)
    return found


def colour_share(image: QImage, rect: QRectF, colour: str) -> float:
    """How much of `rect` (sampled) is `colour`."""
    want = QColor(colour).rgb()
    box = rect.toAlignedRect()
    hits = total = 0
    for y in range(box.top() + 2, box.bottom() - 2, 4):
        for x in range(box.left() + 2, box.right() - 2, 8):
            total += 1
            hits += image.pixel(x, y) == want
    return hits / max(total, 1)


def whole(found: Drawn, module: str, text: str) -> list[QRectF]:
    """Where `text` was drawn in full (not cut with …) by `module`."""
    return [r for m, line, r in found if m == module and text in line and not line.endswith("…")]


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_strip_and_card_at_every_size(drawn: Drawn, width: int, height: int) -> None:
    ensure_gui()
    view = view_of(*snaps())
    tones = [b.tone for b in current_banners(view)]
    assert tones == ["urgent", "weather"]  # both strips: the urgent one hides no warning
    image = render_image(view, TODAY_FRAME, width, height)
    parts = layout(width, height, view, Metrics(height, width))
    urgent, strip = parts.banners
    assert colour_share(image, urgent, "#D55E00") > 0.5
    assert colour_share(image, strip, "#0C000C") > 0.5  # 特別警報: JMA's black
    # every warning of the strip named in full; the lesser grade with its own swatch
    for name in ("大雨特別警報", "暴風警報"):
        assert whole(drawn, "weather_strip", name), (name, drawn)
    assert colour_share(image, strip, "#FF2800") > 0  # the 警報's red swatch
    (alert,) = whole(drawn, "weather_strip", "熱中症警戒アラート発表中")
    assert strip.contains(alert.adjusted(0, 0, 0, -alert.height() / 2))  # inside the strip
    # the card: the value now (31.6, 9–12) in full, its level, the day's highest, 注意報
    card = [r for m, _, r in drawn if m == "weather_card"]
    assert card and all(parts.body.contains(r.topLeft()) for r in card)
    (value,) = whole(drawn, "weather_card", "31.6")  # drawn across the card's inner width
    assert all(value.left() <= r.left() and r.right() <= value.right() + 1 for r in card)
    lines = [line for m, line, _ in drawn if m == "weather_card"]
    pairs = [a + b for a, b in zip(lines, [*lines[1:], ""], strict=True) if not b.endswith("…")]
    assert any("運動は原則中止" in pair for pair in pairs)  # a chip, or wrapped when narrow
    level = next(r for m, line, r in drawn if m == "weather_card" and line.startswith("運動"))
    assert colour_share(image, level, "#FF2800") > 0.05  # the Ministry's 危険 red
    assert whole(drawn, "weather_card", "雷注意報")
    assert not any("雷注意報" in line for m, line, _ in drawn if m == "weather_strip")


def test_the_heat_alert_alone_is_a_strip_of_its_own() -> None:
    ensure_gui()
    view = view_of(*snaps(warnings=()))
    (urgent, strip) = current_banners(view)
    assert strip.text == "熱中症警戒アラート発表中"
    image = render_image(view, TODAY_FRAME, 1920, 1080)
    rect = layout(1920, 1080, view, Metrics(1080, 1920)).banners[1]
    assert colour_share(image, rect, "#FF9600") > 0.5


def test_a_warning_strip_names_since_when() -> None:
    view = view_of(*snaps(heat=False))
    (strip,) = [b for b in view.banners if b.tone == "weather"]
    assert strip.text == "レベル5大雨特別警報 8:40から　暴風警報 7/21(火) 10:40から"


def test_no_weather_in_force_changes_no_pixel() -> None:
    """December: the forecast answers 404 and nothing is in force; the screen is exactly the
    screen of a school without the weather sources."""
    ensure_gui()
    quiet = [Snapshot("jma", (), NOW), Snapshot("heat", (), NOW)]
    without = Config(school=CONFIG.school, sources=CONFIG.sources[:1])
    board = Snapshot("board", (Notice("board", "連絡"),), NOW)
    frames = (TODAY_FRAME, Frame("week", 0.0, ["week"], frozenset({"week"})))
    for frame in frames:  # the first paints of a size warm the glyph caches (the clock's)
        render_image(build_view(without, [board], NOW), frame, 1280, 720)
        render_image(view_of(board, *quiet), frame, 1280, 720)
    for frame in frames:
        plain = render_image(build_view(without, [board], NOW), frame, 1280, 720)
        weather = render_image(view_of(board, *quiet), frame, 1280, 720)
        assert plain == weather


@pytest.mark.parametrize("special", [False, True])
def test_the_alert_grade_on_the_strip(special: bool) -> None:
    heat = HeatIndex("heat", "42302", None, (), (), (NOW.date(),)) if special else HEAT
    view = view_of(Snapshot("heat", (heat,), NOW))
    (strip,) = view.banners
    assert strip.text == ("熱中症特別警戒アラート発表中" if special else "熱中症警戒アラート発表中")
