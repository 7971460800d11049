"""Dates and times of articles and segments: parsing, checking, and where they come from.

An article's date comes from its input (``published``), else from an ISO date in its file
name, else from a "Day N of the war" line. A segment's own time is its article's date with
the clock time of its live-blog entry. Everything is kept as ISO 8601 text.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from .errors import InputError
from .text.segment import Segment

INVASION_DAY = date(2022, 2, 24)
_NAME_DATE_RE = re.compile(r"(?<!\d)(20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")
_WAR_DAY_RE = re.compile(
    r"\b(?:day|ден|день)\s+(?P<n>\d{1,4})\s+(?:(?:of|от|на)\s+)?(?:the\s+)?"
    r"(?:war|invasion|full-scale|войната|инвазията|войны|вторжения|війни|вторгнення)",
    re.IGNORECASE,
)


def date_in_name(name: str) -> str | None:
    """An ISO date written in a file name (``france24-liveblog-2023-09-05.txt``), if valid."""
    for m in _NAME_DATE_RE.finditer(name):
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            continue
    return None


def date_from_war_day(text: str) -> str | None:
    """The date a "Day N of the war/invasion" summary names, counting from 24 February 2022.

    Daily war summaries (Novinite's "Day 612 of the Invasion of Ukraine") carry their date
    only this way; without it, reports of different nights could not be told apart.
    """
    m = _WAR_DAY_RE.search(text[:600])
    if not m:
        return None
    day = int(m.group("n"))
    return (INVASION_DAY + timedelta(days=day - 1)).isoformat() if 0 < day < 5000 else None


def parse_published(value: str | None) -> str | None:
    """ISO 8601 date or date-time, normalised; anything else is an error naming the field."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        if len(value) == 10:  # a date alone stays a date
            day = date.fromisoformat(value)
            _not_future(datetime.combine(day, datetime.min.time()), value)
            return day.isoformat()
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"field 'published' is not an ISO 8601 date: {value!r}") from exc
    _not_future(parsed, value)
    return parsed.isoformat()


def _not_future(when: datetime, raw: str) -> None:
    """News is not published in the future: more than two days ahead is a wrong date."""
    now = datetime.now(when.tzinfo) if when.tzinfo else datetime.now()
    if when - now > timedelta(days=2):
        raise InputError(f"field 'published' is in the future: {raw!r}")


def naive(when: datetime) -> datetime:
    return when.replace(tzinfo=None)


def bound(value: str | None, name: str) -> datetime | None:
    if value is None or not value.strip():
        return None
    when = parse_time(value.strip().replace("Z", "+00:00"))
    if when is None:
        raise InputError(f"'{name}' is not an ISO 8601 date: {value!r}")
    return naive(when)


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def segment_time(published: str | None, seg: Segment) -> str | None:
    """The segment's own time: the article's date with the entry's clock time, when both exist."""
    day = parse_time(published)
    if day is None:
        return None
    if not seg.timestamp:
        return day.isoformat()
    clock = seg.timestamp.lower().replace(".", ":").replace(" ", "")
    digits = "".join(ch for ch in clock if ch.isdigit() or ch == ":")
    try:
        hour, minute = (int(x) for x in digits.split(":")[:2])
    except ValueError:
        return day.isoformat()
    if "pm" in clock.replace(":", "") and hour < 12:
        hour += 12
    if "am" in clock.replace(":", "") and hour == 12:
        hour = 0
    if not (0 <= hour < 24 and 0 <= minute < 60):
        return day.isoformat()
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0).isoformat()
