"""Who is here today: visits this month, colleagues out (with privacy), pupils' absences."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from signage import agenda, privacy
from signage.config import Config, SourceConfig
from signage.model import Absence, Event, Snapshot
from signage.view import build_view
from tests.moments import TOKYO


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TOKYO)


def visit(month: int, day: int, start: int, end: int) -> Event:
    return Event("visits", "ICT支援 佐藤", at(month, day, start), at(month, day, end))


def config(**names: str) -> Config:
    def source(sid: str, role: str) -> SourceConfig:
        return SourceConfig(sid, "ics", role, f"/{sid}", f"/{sid}", names=names.get(sid))

    return Config(
        sources=(
            source("visits", "visits"),
            source("out", "staff_out"),
            source("kids", "absences"),
        )
    )


VISITS = (visit(10, 30, 9, 11), visit(11, 10, 9, 11), visit(11, 30, 13, 15), visit(12, 1, 9, 11))


def view_at(now: datetime, cfg: Config | None = None, out=(), kids=()):
    """The view of these items, named as each source's parse would have left them."""
    cfg = cfg or config()
    by_id = {sc.id: sc for sc in cfg.sources}

    def shown(sid: str, items) -> tuple:
        return privacy.shown_items(items, by_id[sid].role, by_id[sid].names)

    snaps = [
        Snapshot("visits", shown("visits", VISITS), fetched_at=now),
        Snapshot("out", shown("out", out), fetched_at=now),
        Snapshot("kids", shown("kids", kids), fetched_at=now),
    ]
    return build_view(cfg, snaps, now)


def test_month_count_on_the_last_day_of_a_month_and_the_first_of_the_next():
    last = view_at(at(11, 30, 12)).visits
    assert (len(last.done), len(last.planned), last.last_month, last.target) == (1, 1, 1, 4)
    assert last.this_month == 2
    first = view_at(at(12, 1, 8)).visits
    assert (first.this_month, first.last_month) == (1, 2)
    assert [v.start.day for v in first.upcoming] == [1]


def test_visit_day_has_a_banner_and_a_day_without_has_none():
    on = view_at(at(11, 30, 8))
    assert [b.label for b in on.banners] == ["本日"]
    assert "13:00–15:00" in on.banners[0].text and "ICT支援 佐藤" in on.banners[0].text
    assert view_at(at(11, 29, 8)).banners == ()


OUT = (
    Event(
        "out",
        "鈴木 一郎 出張（伊勢崎市教育委員会）",
        date(2026, 11, 24),
        date(2026, 11, 25),
        all_day=True,
        person="鈴木 一郎",
    ),
    Event("out", "中村 年休（午前）", at(11, 24, 8), at(11, 24, 12)),
    Event("out", "高橋 研修", at(11, 24, 13), at(11, 24, 17)),
)


@pytest.mark.parametrize(
    ("mode", "names"),
    [
        (None, ["鈴木 一郎", "中村", "高橋"]),
        ("full", ["鈴木 一郎", "中村", "高橋"]),
        ("family", ["鈴木", "中村", "高橋"]),
        ("none", ["", "", ""]),
    ],
)
def test_staff_out_privacy_levels(mode, names):
    cfg = config(**({"out": mode} if mode else {}))
    rows = view_at(at(11, 24, 9), cfg, out=OUT).staff_out
    assert [r.name for r in rows] == names
    if mode == "none":
        assert all(r.reason == "" for r in rows)  # no reason that would name someone
    else:
        assert [r.reason for r in rows] == ["出張（伊勢崎市教育委員会）", "年休（午前）", "研修"]
    assert [r.when for r in rows] == ["終日", "〜12:00", "13:00から"]


KIDS = (
    Absence("kids", date(2026, 11, 24), "1年2組", "absent", name="山田 花子"),
    Absence("kids", date(2026, 11, 24), "1年10組", "late"),
    Absence("kids", date(2026, 11, 24), "1年2組", "early_leave"),
    Absence("kids", date(2026, 11, 24), "2年1組", "absent"),
    Absence("kids", date(2026, 11, 23), "2年1組", "absent"),  # yesterday
)


def test_absences_are_counted_per_class_in_natural_order_without_names():
    view = view_at(at(11, 24, 9), out=(), kids=KIDS)
    assert view.has_absences
    rows = [(c.class_name, c.absent, c.late, c.early_leave, c.names) for c in view.absences]
    assert rows == [("1年2組", 1, 0, 1, ()), ("1年10組", 0, 1, 0, ()), ("2年1組", 1, 0, 0, ())]


def test_names_of_pupils_only_when_allowed():
    view = view_at(at(11, 24, 9), config(kids="family"), kids=KIDS)
    assert view.absences[0].names == ("山田",)


def test_absences_in_agenda_json():
    out = agenda.agenda_json(
        school="s",
        tz=TOKYO,
        roles={"kids": "absences"},
        snapshots=[Snapshot("kids", KIDS, fetched_at=at(11, 24, 9))],
        now=at(11, 24, 9),
        first_day=date(2026, 11, 24),
        days=1,
    )
    assert out["days"][0]["absences"][0] == {
        "source": "kids",
        "class": "1年2組",
        "absent": 1,
        "late": 0,
        "early_leave": 1,
    }
    assert "山田" not in str(out)
