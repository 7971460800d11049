"""The static HTML report of a batch job: an index page and one page per cross-outlet event.

Pages are rendered by the same functions as the server's comparison pages, with links
that point at files (``events/<id>.html``) and assets copied beside them, so the report
opens from disk or any static host with no server. A page is rewritten only when its
content changed, and pages of events that no longer exist are removed: an incremental run
touches only what moved.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from ..records import EventView
from ..storage.files import atomic_write, write_text
from ..web import pages

STATIC = pages.STATIC
INDEX = pages.Links(root="", static=True)
EVENT = pages.Links(root="../", static=True)


def _write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    atomic_write(path, lambda p: write_text(p, text))
    return True


class Report:
    """The ``report/`` folder of a batch output directory."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        (folder / "events").mkdir(parents=True, exist_ok=True)
        (folder / "static").mkdir(exist_ok=True)
        for asset in sorted(STATIC.iterdir()):
            target = folder / "static" / asset.name
            if not target.exists() or target.read_bytes() != asset.read_bytes():
                shutil.copyfile(asset, target)
        self.written: set[str] = set()
        self.changed = 0

    def event(self, view: EventView) -> None:
        """One event's page, from the same view the server's event page shows."""
        self.written.add(view["event_id"])
        path = self.folder / "events" / f"{view['event_id']}.html"
        self.changed += _write_if_changed(path, pages.event_page(view, "both", EVENT))

    def index(self, events: list[dict[str, Any]], outlets: list[str]) -> None:
        """The list with its coverage matrix; pages of events no longer listed are removed."""
        _write_if_changed(self.folder / "index.html", pages.events_page(events, outlets, {}, INDEX))
        for old in (self.folder / "events").glob("*.html"):
            if old.stem not in self.written:
                old.unlink()
                self.changed += 1
