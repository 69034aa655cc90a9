"""The school's zone and the fixed moments the tests stand at, so every file means the same
Tuesday in Tokyo whatever the machine's zone or the wall clock say."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=TOKYO)  # a Tuesday morning in the staff room
NINE = datetime(2026, 11, 24, 9, 0, tzinfo=TOKYO)  # the same Tuesday, lessons under way
