"""Two aligned segments side by side: which sources and facts agree, differ, or stand alone.

Facts are keyed by what they are about: a place or person by its canonical name; a
quantity by its unit (drones, countries); money by its currency; a date or a time by its
kind. Two facts with the same key and value *agree*; a quantity or sum of money with the
same unit but another value *differs* ("six drones" vs "four drones"); everything else
is *only in one*. This is the data behind the comparison page.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from ..records import FactRow, SegmentJson
from .aliases import AliasTable
from .attribution import Source, registry, sources
from .facts import Fact, facts

_COMPARABLE = {"quantity": "unit", "money": "currency"}


def analyse(text: str, table: AliasTable | None = None) -> tuple[list[Source], list[Fact]]:
    """Sources and facts of one text; places named inside a source ("Минобороны России") are not facts.

    Cached: segment texts never change, and every search shows the sources and facts of its hits.
    """
    found, stated = _analyse(text, table or registry())
    return list(found), list(stated)


@functools.lru_cache(maxsize=50_000)
def _analyse(text: str, table: AliasTable) -> tuple[tuple[Source, ...], tuple[Fact, ...]]:
    found = sources(text, table)
    spans = [(m.start, m.end) for m in table.find(text) if m.kind in {"institution", "agency"}]
    return tuple(found), tuple(facts(text, spans))


def _key(f: Fact) -> tuple[str, str]:
    if f.kind in _COMPARABLE:
        return f.kind, str(f.value[_COMPARABLE[f.kind]])
    if f.kind in {"place", "person"}:
        return f.kind, str(f.value)
    return f.kind, str(f.value)


def _amount(f: Fact) -> Any:
    return f.value["n"] if f.kind == "quantity" else f.value["amount"] if f.kind == "money" else f.value


def compare_facts(a: list[Fact], b: list[Fact]) -> dict[str, list[dict[str, Any]]]:
    """Group the facts of two segments into agree / differ / only_a / only_b."""
    by_a: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    by_b: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for f in a:
        by_a[_key(f)].append(f)
    for f in b:
        by_b[_key(f)].append(f)
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

    A cell is ``agree`` when every outlet stating that fact states the same values,
    ``differ`` when they disagree, ``missing`` when the outlet does not state it.
    """
    outlets = sorted({m["outlet"] for m in members})
    rows: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for m in members:
        for f in m["facts"]:
            kind = f["kind"]
            if kind in _COMPARABLE:
                about = str(f["value"][_COMPARABLE[kind]])
                shown = f"{f['value']['n'] if kind == 'quantity' else f['value']['amount']:,}"
            elif kind in {"place", "person"}:
                about, shown = str(f["value"]), str(f["value"])
            elif kind in {"date", "time"}:
                about, shown = kind, str(f["value"])
            else:
                continue
            rows[(kind, about)][m["outlet"]].add(shown)
    table: list[FactRow] = []
    for (kind, about), cells in sorted(rows.items()):
        stated = [frozenset(v) for v in cells.values()]
        status = "agree" if len(set(stated)) == 1 else "differ"
        table.append({"kind": kind, "about": about, "cells": {
            o: {"values": sorted(cells.get(o, set())), "status": status if o in cells else "missing"}
            for o in outlets}})
    return table


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
