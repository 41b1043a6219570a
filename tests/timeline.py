"""The named instants every test uses (UTC), in one place.

The quiz window opens on Monday 3 March 2025 at 08:00 in Hà Nội and lasts a week; an attempt
started DURING the window has its deadline LIMIT later and is finalised AFTER_GRACE.
Reports look at a four-week window with a target date; the console's tests stand at CONSOLE_NOW.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

OPENS = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội
BEFORE = OPENS - timedelta(days=1)  # the quiz is created, not open yet
DURING = OPENS + timedelta(days=1)
CLOSES = OPENS + timedelta(days=7)
AFTER = CLOSES + timedelta(days=1)
LIMIT = timedelta(minutes=30)  # the quizzes' time limit
GRACE = timedelta(seconds=60)  # ANSWER_GRACE_SECONDS' default
AT_DEADLINE = DURING + LIMIT  # an attempt started DURING runs out here
AFTER_GRACE = AT_DEADLINE + GRACE + timedelta(seconds=1)

CONSOLE_NOW = datetime(2025, 3, 4, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội on a Tuesday

REPORT_CLOSES = OPENS + timedelta(days=28)
TARGET_DATE = date(2025, 3, 24)
REPORT_NOW = OPENS + timedelta(days=9, hours=5)  # Wednesday 12 March, 13:00 local
