"""Dates and times as a reader reads them, in the page's language (English) and the source's time zone.

Stored times are ISO 8601 as the source gave them: with its UTC offset when it said one
(``2023-09-05T07:00:00+02:00``), a bare date, or midnight standing for a date
(``2023-09-07T00:00:00``). A reader sees "Tue 5 Sep 2023, 07:00 UTC+2": the clock of the
place that published it, its offset named, never converted to the server's zone; a date with
no time of day shows as a date. The ISO value stays in the ``<time datetime>`` attribute.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _parse(iso: str) -> datetime | date | None:
    text = iso.strip().replace("Z", "+00:00")
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None and (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        return moment.date()  # midnight without a zone: a date the source gave, not a time
    return moment


def _offset(moment: datetime) -> str:
    delta = moment.utcoffset()
    if delta is None:
        return ""
    if delta == timedelta(0):
        return " UTC"
    minutes = int(delta.total_seconds() // 60)
    sign, minutes = ("+" if minutes > 0 else "-"), abs(minutes)
    return f" UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def _day(d: date) -> str:
    return f"{DAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"


def readable(iso: str | None) -> str:
    """``iso`` for a reader ("Tue 5 Sep 2023, 07:00 UTC+2"); unparseable text comes back as it was."""
    if not iso:
        return ""
    moment = _parse(iso)
    if moment is None:
        return iso
    if not isinstance(moment, datetime):
        return _day(moment)
    return f"{_day(moment.date())}, {moment:%H:%M}{_offset(moment)}"


def time_tag(iso: str | None) -> str:
    """A ``<time>`` element: readable text, the ISO value for machines (HTML-escaped)."""
    if not iso:
        return ""
    return f"<time datetime=\"{escape(iso)}\">{escape(readable(iso))}</time>"


def span_tag(first: str | None, last: str | None) -> str:
    """Two times as one range, or one time when they are the same day and hour."""
    if not first:
        return ""
    if not last or readable(first) == readable(last):
        return time_tag(first)
    return f"{time_tag(first)} – {time_tag(last)}"
