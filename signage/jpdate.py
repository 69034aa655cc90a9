"""Dates the way a Japanese school writes them: 令和8年11月24日（火）."""

from __future__ import annotations

from datetime import date, datetime, time

WEEKDAYS = "月火水木金土日"
ERAS = ((date(2019, 5, 1), "令和"), (date(1989, 1, 8), "平成"), (date(1926, 12, 25), "昭和"))


def era_year(day: date) -> str:
    """令和8年; the first year of an era is 元年."""
    for start, name in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年"
    return f"{day.year}年"


def weekday(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def long_date(day: date) -> str:
    """令和8年11月24日（火）"""
    return f"{era_year(day)}{day.month}月{day.day}日（{weekday(day)}）"


def short_date(day: date) -> str:
    """11/24(火) — for lists where the year is obvious."""
    return f"{day.month}/{day.day}({weekday(day)})"


def hm(moment: datetime | time) -> str:
    """9:05 — hours without a leading zero, as timetables print them (not strftime's "%-H",
    which Windows rejects)."""
    return f"{moment.hour}:{moment.minute:02d}"


def time_range(start: datetime, end: datetime | None) -> str:
    if end is None or end == start:
        return hm(start)
    return f"{hm(start)}–{hm(end)}"
