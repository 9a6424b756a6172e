"""Days: today (or the day tests and reproducible runs fix), and calendar months before and after."""

from __future__ import annotations

import calendar
import os
from datetime import date


def today() -> date:
    """Today, or SPRX_TODAY (YYYY-MM-DD) for reproducible runs and tests."""
    forced = os.environ.get("SPRX_TODAY")
    return date.fromisoformat(forced) if forced else date.today()


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the last day of a shorter month)."""
    return months_after(day, -months)


def months_after(day: date, months: int) -> date:
    """The same day `months` calendar months later (the last day of a shorter month)."""
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    m += 1
    return date(y, m, min(day.day, calendar.monthrange(y, m)[1]))
