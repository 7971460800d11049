"""Language ID accuracy per language on the langid sentences and word pairs."""

from __future__ import annotations

from pathlib import Path

from ..text.detect import detect

LANGID_ANCHORS = {"lingua": {"bg": 99.0, "ru": 97.8, "uk": 95.0, "en": 99.3},
                  "langdetect": {"bg": 96.2, "ru": 95.4, "uk": 97.7, "en": 99.3}}


def eval_langid(data: Path, limit: int | None) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for kind in ("sentences", "word-pairs"):
        for lang in ("bg", "ru", "uk", "en"):
            path = data / "langid" / kind / f"{lang}.txt"
            if not path.exists():
                continue
            lines = [s.strip() for s in path.read_text(encoding="utf-8").splitlines() if s.strip()][:limit]
            acc = sum(detect(s).lang == lang for s in lines) / max(1, len(lines))
            anchor = LANGID_ANCHORS["lingua"][lang] if kind == "sentences" else None
            rows.append((f"langid {kind} {lang}", f"{100 * acc:.1f}",
                         f"{anchor:.1f} (lingua), {LANGID_ANCHORS['langdetect'][lang]:.1f} (langdetect)"
                         if anchor else "-"))
    return rows


