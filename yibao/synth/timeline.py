"""The generated city's calendar: history from --start, a full load, then daily deltas.

Days are integers (days since 1970-01-01) so every date computation is vectorised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

EPOCH = dt.date(1970, 1, 1)
NO_DAY = np.iinfo(np.int64).max  # "open": no end date


def day_of(d: dt.date) -> int:
    return (d - EPOCH).days


def date_of(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def yyyymmdd(days: np.ndarray) -> np.ndarray:
    """Vectorised day number -> integer YYYYMMDD."""
    d = days.astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(int) + 1970
    m = d.astype("datetime64[M]").astype(int) % 12 + 1
    dd = (d - d.astype("datetime64[M]")).astype(int) + 1
    return y * 10000 + m * 100 + dd


def year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970


def month_index(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of each day."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(int)


def month_start(month_idx: np.ndarray) -> np.ndarray:
    return np.asarray(month_idx).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


@dataclass(frozen=True)
class Timeline:
    """hist_start .. full_date is the history in the full load; then `days` daily deltas."""

    hist_start: int
    full_date: int
    days: int

    @classmethod
    def from_months(cls, start: str, end: str, days: int) -> Timeline:
        y0, m0 = (int(x) for x in start.split("-"))
        y1, m1 = (int(x) for x in end.split("-"))
        first = dt.date(y0, m0, 1)
        after_end = dt.date(y1 + (m1 == 12), m1 % 12 + 1, 1)
        if after_end <= first:
            raise ValueError(f"--end {end} is before --start {start}")
        return cls(day_of(first), day_of(after_end) - 1, days)

    @property
    def horizon_end(self) -> int:
        """The last day with events: the last delta's date."""
        return self.full_date + self.days

    def delivery_index(self, days: np.ndarray) -> np.ndarray:
        """0 for the full load, k for the k-th daily delta."""
        return np.maximum(np.asarray(days, dtype=np.int64) - self.full_date, 0)

    def delivery_dates(self) -> list[dt.date]:
        return [date_of(self.full_date + k) for k in range(self.days + 1)]

    def years(self) -> list[int]:
        return list(range(date_of(self.hist_start).year, date_of(self.horizon_end).year + 1))
