"""Precision and recall per field (sources, numbers, places, people) on the labelled sets."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from ..analysis.attribution import registry
from ..analysis.compare import analyse
from ..analysis.entities import same_name
from ..analysis.facts import gazetteer, numeric_value

LABELLED = Path(__file__).resolve().parents[2] / "corpora" / "labelled"
FIELDS = ("sources", "numbers", "places", "people")
HELD_OUT = ("facts.jsonl", "facts-heldout.jsonl", "facts-heldout-2.jsonl", "facts-heldout-3.jsonl",
            "facts-heldout-4.jsonl", "facts-heldout-5.jsonl",
            "facts-heldout-6.jsonl", "facts-heldout-7.jsonl", "facts-heldout-8.jsonl", "facts-heldout-9.jsonl",
            "facts-heldout-10.jsonl", "facts-heldout-11.jsonl",
            "facts-heldout-12.jsonl", "facts-heldout-13.jsonl", "facts-heldout-14.jsonl",
            "facts-heldout-15.jsonl", "facts-heldout-16.jsonl", "facts-heldout-17.jsonl", "facts-heldout-18.jsonl",
            "facts-heldout-19.jsonl")


def predicted_fields(text: str) -> dict[str, list[Any]]:
    """What align finds in a sentence, in the labelled set's terms."""
    found_sources, found_facts = analyse(text)
    numbers = [numeric_value(f) for f in found_facts]
    return {
        "sources": sorted({s.name for s in found_sources}),
        "numbers": sorted(float(n) for n in numbers if n is not None),
        "places": sorted({str(f.value) for f in found_facts if f.kind == "place"}),
        "people": sorted({str(f.value) for f in found_facts if f.kind == "person"}),
    }


def field_scores(rows: list[dict[str, Any]]) -> dict[str, tuple[float, float, int]]:
    """Micro precision, recall and support per field (numbers as multisets, the rest as sets)."""
    totals = {f: [0, 0, 0] for f in FIELDS}  # true positives, predicted, expected
    for row in rows:
        got = predicted_fields(row["text"])
        for field_name in FIELDS:
            expected = row[field_name]
            want = Counter(float(x) for x in expected) if field_name == "numbers" else Counter(set(expected))
            have = Counter(got[field_name])
            if field_name in {"sources", "people", "places"}:  # romanisation variants of one name are that name
                table = registry() if field_name == "sources" else gazetteer()
                want = Counter({table.canonical(str(x)): n for x, n in want.items()})  # a listed spelling: Energodar
                have = Counter(next((x for x in want if same_name(str(x), str(h))), h) for h in have.elements())
            totals[field_name][0] += sum((want & have).values())
            totals[field_name][1] += sum(have.values())
            totals[field_name][2] += sum(want.values())
    return {f: (tp / p if p else 1.0, tp / e if e else 1.0, e) for f, (tp, p, e) in totals.items()}


def eval_facts(folder: Path = LABELLED) -> list[tuple[str, ...]]:
    """Per-field scores on the labelled sets: ``facts.jsonl`` (tuned on), ``facts-heldout.jsonl``
    (written after the first rules froze), ``facts-heldout-2.jsonl`` (after the channel and
    count-binding rules froze), ``facts-heldout-3.jsonl`` (after the widened gazetteer and
    source table froze), ``facts-heldout-4.jsonl`` (after titled people and the third widening froze)
    ``facts-heldout-5.jsonl`` (after country-composed institutions and settlement places froze),
    ``facts-heldout-6.jsonl`` (after bodies, declined names and towns after a preposition froze),
    ``facts-heldout-7.jsonl`` (after unlisted English organisations and two-word towns froze),
    ``facts-heldout-8.jsonl`` (after people by their given name froze), ``facts-heldout-9.jsonl``
    (after capitals naming their country's ministries froze), ``facts-heldout-10.jsonl`` (after
    quoted media and titles that reach over no other speaker froze), ``facts-heldout-11.jsonl``
    (after media named in Latin letters after a title froze), ``facts-heldout-12.jsonl`` (after
    channels told in English and asides before a verb froze), ``facts-heldout-13.jsonl`` (after
    channels on air and speakers with whom someone spoke froze) and ``facts-heldout-14.jsonl``
    (after asides between commas and interviews given to one word froze) and ``facts-heldout-15.jsonl``
    (after programmes spoken on, claims and polls froze) and ``facts-heldout-16.jsonl`` (after
    compound number words and bodies owned by another froze) and ``facts-heldout-17.jsonl`` (after
    reporters on the spot and broadcasts inside asides froze) and ``facts-heldout-18.jsonl`` (after
    Bulgarian claims and networks that never speak froze) and ``facts-heldout-19.jsonl`` (after verbs of
    saying in both aspects, owners and addressees froze)."""
    out: list[tuple[str, ...]] = []
    for name in HELD_OUT:
        path = folder / name
        if not path.exists():
            continue
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for field_name, (p, r, n) in field_scores(rows).items():
            out.append((f"{path.stem} {field_name} ({len(rows)})", f"P {p:.3f}", f"R {r:.3f}", f"{n} expected"))
    return out


