"""Two aligned segments side by side: which sources and facts agree, differ, or stand alone.

Facts are keyed by what they are about: a place or person by its canonical name; a
quantity by its unit (drones, countries); money by its currency; a date or a time by its
kind. Two facts with the same key and value *agree*; a quantity or sum of money with the
same unit but another value *differs* ("six drones" vs "four drones"); everything else
is *only in one*. This is the data behind the comparison page.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from ..records import FactRow, SegmentJson
from .aliases import AliasTable, Mention
from .attribution import Source, names_in, registry, sources
from .entities import same_name
from .facts import Fact, facts, gazetteer
from .institutions import BODY
from .towns import settlements

_COMPARABLE = {"quantity": "unit", "money": "currency"}


def analyse(text: str, table: AliasTable | None = None) -> tuple[list[Source], list[Fact]]:
    """Sources and facts of one text; places named inside a source ("Минобороны России") are not facts.

    Cached: segment texts never change, and every search shows the sources and facts of its hits.
    """
    found, stated = _analyse(text, table or registry())
    return list(found), list(stated)


# The owner written before what a source is ("Ukraine's national energy company Ukrenergo said"):
# part of the source's description, like "Минобороны России", not a place the text reports.
_OWNER_BEFORE = re.compile(r"(?<![\w'’])[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?['’]s\s+(?:[a-z][\w-]*\s+){0,4}$")


def _owner_start(text: str, start: int, places: list[Mention]) -> int:
    """Where a source's description begins when a place owns it; a person's possessive stays theirs
    ("Zelensky's office said" still names Zelensky)."""
    owner = _OWNER_BEFORE.search(text, max(0, start - 80), start)
    return owner.start() if owner and any(p.start == owner.start() for p in places) else start


@functools.lru_cache(maxsize=50_000)
def _analyse(text: str, table: AliasTable) -> tuple[tuple[Source, ...], tuple[Fact, ...]]:
    places, mentions, people = names_in(text, table)
    found = sources(text, table, mentions, people)
    # A place inside a cited source's name ("сообщает Минобороны России") is the source's, not a fact;
    # one inside an institution that is only named ("представитель МИД России") is a place it names.
    names = {s.name for s in found}
    cited = [m for m in mentions if m.kind in {"institution", "agency", BODY} and m.name in names]
    owners = [_possessor(text, m) for m in cited]
    spans = [(owner.end if owner else _owner_start(text, m.start, places), m.end)
             for m, owner in zip(cited, owners, strict=True)]
    named = places + people + [o for o in owners if o] + settlements(text, places + mentions)
    return tuple(found), tuple(facts(text, spans, named))


def _possessor(text: str, m: Mention) -> Mention | None:
    """The listed person a source's own name opens with ("Zelensky's office"): still a person the
    text names, where the rest of the name is the source's."""
    inner = next((p for p in gazetteer().find(m.text) if p.kind == "person" and p.start == 0), None)
    return Mention(inner.name, "person", m.start, m.start + inner.end, inner.text) if inner else None


def _key(f: Fact, seen: list[str]) -> tuple[str, str]:
    if f.kind in _COMPARABLE:
        return f.kind, str(f.value[_COMPARABLE[f.kind]])
    if f.kind in {"place", "person"}:
        return f.kind, _spelled(str(f.value), seen)
    return f.kind, str(f.value)


def _amount(f: Fact) -> Any:
    return f.value["n"] if f.kind == "quantity" else f.value["amount"] if f.kind == "money" else f.value


def compare_facts(a: list[Fact], b: list[Fact]) -> dict[str, list[dict[str, Any]]]:
    """Group the facts of two segments into agree / differ / only_a / only_b."""
    by_a: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    by_b: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    seen: list[str] = []
    for f in a:
        by_a[_key(f, seen)].append(f)
    for f in b:
        by_b[_key(f, seen)].append(f)
    result: dict[str, list[dict[str, Any]]] = {"agree": [], "differ": [], "only_a": [], "only_b": []}
    for key in sorted(set(by_a) | set(by_b)):
        left, right = by_a.get(key, []), by_b.get(key, [])
        if not right:
            result["only_a"] += [f.to_json() for f in _unique(left)]
            continue
        if not left:
            result["only_b"] += [f.to_json() for f in _unique(right)]
            continue
        if key[0] not in _COMPARABLE:
            result["agree"].append({"kind": key[0], "value": left[0].value, "a": left[0].text, "b": right[0].text})
            continue
        left_values = {_amount(f): f for f in left}
        right_values = {_amount(f): f for f in right}
        shared = set(left_values) & set(right_values)
        for value in sorted(shared):
            result["agree"].append({"kind": key[0], "value": left_values[value].value,
                                    "a": left_values[value].text, "b": right_values[value].text})
        rest_a = [left_values[v] for v in sorted(set(left_values) - shared)]
        rest_b = [right_values[v] for v in sorted(set(right_values) - shared)]
        if rest_a and rest_b:
            result["differ"].append({"kind": key[0], "about": key[1], "a": [f.to_json() for f in rest_a],
                                     "b": [f.to_json() for f in rest_b]})
        else:
            result["only_a"] += [f.to_json() for f in rest_a]
            result["only_b"] += [f.to_json() for f in rest_b]
    return result


def fact_table(members: Sequence[SegmentJson]) -> list[FactRow]:
    """One row per fact (about a place, person, count, sum, date or time), one cell per outlet.

    Each outlet states a value (or a set of values) per row; the row's ``majority`` is the value
    most outlets state when more than one outlet states it and no other value is as common.
    A cell is ``agree`` when it states the majority (or every stating outlet agrees),
    ``differ`` when it states something else, ``missing`` when the outlet does not state it:
    three outlets saying 6 and one saying 4 leaves the lone 4 standing out. A count split by
    place ("four over Oryol, two over Tula") is a row per place, and its sum stands for the
    whole when the outlet states no total itself.
    """
    outlets = sorted({m["outlet"] for m in members})
    rows: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    parts: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    seen: list[str] = []  # names as first spelled; a later romanisation of one joins its row
    for m in members:
        for f in m["facts"]:
            kind = f["kind"]
            if kind in _COMPARABLE:
                about = str(f["value"][_COMPARABLE[kind]])
                amount = f["value"]["n"] if kind == "quantity" else f["value"]["amount"]
                place = f["value"].get("place") if kind == "quantity" else None
                if place:
                    parts[(kind, about)][m["outlet"]].append(float(amount))
                    rows[(kind, f"{about} · {place}")][m["outlet"]].add(f"{amount:,}")
                    continue
                shown = f"{amount:,}"
            elif kind in {"place", "person"}:
                about = shown = _spelled(str(f["value"]), seen)
            elif kind in {"date", "time"}:
                about, shown = kind, str(f["value"])
            else:
                continue
            rows[(kind, about)][m["outlet"]].add(shown)
    for key, by_outlet in parts.items():
        for outlet, amounts in by_outlet.items():
            if outlet not in rows[key] and amounts:
                total = float(sum(amounts))
                rows[key][outlet].add(f"{int(total) if total.is_integer() else total:,}")
    return [_row(kind, about, cells, outlets) for (kind, about), cells in sorted(rows.items())]


def _spelled(name: str, seen: list[str]) -> str:
    """``name`` as first spelled among ``seen`` (Andrey Klychkov → Andrei Klychkov); added if new."""
    first = next((s for s in seen if same_name(s, name)), None)
    if first is None:
        seen.append(name)
    return first or name


def _row(kind: str, about: str, cells: Mapping[str, set[str]], outlets: list[str]) -> FactRow:
    """A fact row with each stating outlet's cell marked against the majority value."""
    stated = {o: frozenset(v) for o, v in cells.items()}
    counts = Counter(stated.values()).most_common()
    unanimous = len(counts) == 1
    majority = counts[0][0] if unanimous or (counts[0][1] >= 2 and counts[0][1] > counts[1][1]) else None

    def status(o: str) -> str:
        if o not in stated:
            return "missing"
        return "agree" if majority is not None and stated[o] == majority else "differ"

    row: FactRow = {"kind": kind, "about": about, "cells": {
        o: {"values": sorted(cells.get(o, set())), "status": status(o)} for o in outlets},
        "majority": sorted(majority) if majority is not None else None,
        "stated_by": len(stated), "majority_of": counts[0][1] if majority is not None else 0}
    return row


def _unique(found: list[Fact]) -> list[Fact]:
    seen, out = set(), []
    for f in found:
        marker = (f.kind, str(f.value))
        if marker not in seen:
            seen.add(marker)
            out.append(f)
    return out


def compare_texts(text_a: str, text_b: str, table: AliasTable | None = None) -> dict[str, Any]:
    """The full comparison of two texts: sources and facts."""
    src_a, facts_a = analyse(text_a, table)
    src_b, facts_b = analyse(text_b, table)
    names_a, names_b = {s.name for s in src_a}, {s.name for s in src_b}
    return {
        "sources": {"agree": sorted(names_a & names_b), "only_a": sorted(names_a - names_b),
                    "only_b": sorted(names_b - names_a)},
        "facts": compare_facts(facts_a, facts_b),
    }
