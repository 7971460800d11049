"""Evidence beyond one vector: what two reports name, count and date, and whether it agrees.

One cosine cannot tell two stories of one topic apart (quarantine concerts and Crimea
tourism are both "Crimea in the pandemic"); what they name, count and date can. Each
segment gets a :class:`Profile` once, when it is embedded: its entity keys (people, places,
organisations across scripts: :mod:`align.analysis.entities`), the numbers it states (with
their nouns where it has them: 6 drone), and the days it names. A candidate link compares
two profiles: entities shared and entities only one side names, each weighed by rarity in
the store (a name every report shares says nothing), numbers and dates that agree or
conflict. These parts are the link's ``evidence``; the link model weighs them.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from ..analysis.aliases import AliasTable
from ..analysis.compare import analyse
from ..analysis.entities import name_keys, names
from ..analysis.facts import gazetteer

PROFILE_VERSION = 14  # 2: unlisted names key as skeletons; 3: OSCE, WHO, ICRC … listed; 4: fixes after held-out 9
# and 10; 5: fixes after held-out 11; 6: after held-out 12; 7: after held-out 13;
# 8: after held-out 14; 9: after held-out 15; 10: after held-out 16;
# 11: after held-out 17; 12: after held-out 18; 13: verbs of saying in both aspects, owners and addressees;
# 14: after held-out 19


@dataclass(frozen=True)
class Profile:
    """What a segment names, counts and dates, as keys comparable across languages."""

    keys: tuple[str, ...] = ()  # entity keys, unique, in first-mention order
    labels: tuple[str, ...] = ()  # a readable form of each key (canonical name or the word as written)
    numbers: tuple[float, ...] = ()  # notable numbers stated (not years, not 0-10 alone)
    quantities: tuple[tuple[float, str], ...] = ()  # (count, unit): 6 drone
    dates: tuple[str, ...] = ()  # days named: 2023-09-05 or --09-05
    version: int = PROFILE_VERSION

    def to_json(self) -> str:
        return json.dumps([self.version, self.keys, self.labels, self.numbers, self.quantities, self.dates],
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> Profile | None:
        if not text:
            return None
        version, keys, labels, numbers, quantities, dates = json.loads(text)
        if version != PROFILE_VERSION:
            return None
        return cls(tuple(keys), tuple(labels), tuple(numbers), tuple((float(n), str(u)) for n, u in quantities),
                   tuple(dates), version)


def profile(text: str, lang: str | None, table: AliasTable) -> Profile:
    """The profile of one segment's text (``table``: the source registry)."""
    _, found_facts = analyse(text, table)
    keys: dict[str, str] = {}
    covered: set[str] = set()  # words a canonical name already stands for
    listed = gazetteer().kinds
    for f in found_facts:
        # Unlisted names (after a title or a settlement word) have only their language's spelling,
        # which differs across scripts (Andrei/Andrey): they meet as name skeletons below instead.
        if f.kind in {"place", "person"} and str(f.value) in listed:
            keys.setdefault(f"g:{f.value}", str(f.value))
            covered.update(w.lower() for w in f.text.split())
    for m in table.find(text):
        if m.kind in {"agency", "institution", "official"}:
            keys.setdefault(f"g:{m.name}", m.name)
            covered.update(w.lower() for w in m.text.split())
    for word in names(text):
        if word.lower() not in covered:
            for key in name_keys([word], lang):
                keys.setdefault(key, word)
    numbers: list[float] = []
    quantities: list[tuple[float, str]] = []
    dates: list[str] = []
    for f in found_facts:
        if f.kind == "quantity":
            quantities.append((float(f.value["n"]), str(f.value["unit"])))
            if _notable(float(f.value["n"])):
                numbers.append(float(f.value["n"]))
        elif f.kind == "money":
            numbers.append(float(f.value["amount"]))
        elif f.kind == "number" and _notable(float(f.value)):
            numbers.append(float(f.value))
        elif f.kind == "date" and str(f.value)[:1] in {"-", "1", "2"} and len(str(f.value)) >= 7:
            dates.append(str(f.value)[-5:])  # month and day: a year is often left out
    return Profile(tuple(keys), tuple(keys.values()), tuple(dict.fromkeys(numbers)),
                   tuple(dict.fromkeys(quantities)), tuple(dict.fromkeys(dates)))


def _notable(value: float) -> bool:
    """A number that identifies a story: not a small count, not a year."""
    return value > 10 and not (value.is_integer() and 1900 <= value <= 2100)


@dataclass
class Rarity:
    """How many segments of the store name each entity key: the weight of a shared name."""

    counts: Counter[str] = field(default_factory=Counter)
    total: int = 0

    @classmethod
    def of(cls, profiles: Iterable[Profile | None]) -> Rarity:
        out = cls()
        for p in profiles:
            if p is not None:
                out.counts.update(p.keys)
                out.total += 1
        return out

    def weight(self, key: str) -> float:
        """Inverse document frequency, smoothed; a key seen once weighs most."""
        return math.log((self.total + 1) / (self.counts.get(key, 0) + 1)) + 1.0 if self.total else 1.0

    def weights(self, keys: Iterable[str]) -> float:
        """The summed weight of keys (cached per key: stores ask about the same names again)."""
        cache = self.__dict__.setdefault("_cache", {})
        total = 0.0
        for k in keys:
            w = cache.get(k)
            if w is None:
                w = cache[k] = self.weight(k)
            total += w
        return total


UNCOUNTED = {"percent", "year", "day"}  # units whose values differ in one story (a rate, an age, a span)
EVIDENCE_FEATURES = ("ents_shared", "ents_only", "ents_jaccard", "numbers_shared", "quantity_conflict",
                     "dates_shared", "dates_conflict")


@dataclass(frozen=True)
class Evidence:
    """What two profiles share and where they conflict, with the features the link model reads."""

    shared: tuple[str, ...]
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    numbers_shared: tuple[float, ...]
    conflicts: tuple[str, ...]
    features: tuple[float, ...]

    def explain(self) -> dict[str, list[str]]:
        return {"shared": list(self.shared), "conflicting": list(self.conflicts)}


def compare(a: Profile, b: Profile, rarity: Rarity) -> Evidence:
    """The evidence two segments' profiles give for (and against) one story."""
    set_a, set_b = set(a.keys), set(b.keys)
    both = set_a & set_b
    w_shared = rarity.weights(both)
    w_only = rarity.weights(set_a ^ set_b)
    label = dict(zip(b.keys, b.labels, strict=True)) | dict(zip(a.keys, a.labels, strict=True))
    shared_labels = [label[k] for k in a.keys if k in both]
    numbers = tuple(sorted(set(a.numbers) & set(b.numbers)))
    units_a = _by_unit(a.quantities)
    units_b = _by_unit(b.quantities)
    conflicts = [f"{unit}: {_fmt(units_a[unit])} vs {_fmt(units_b[unit])}" for unit in sorted(units_a.keys()
                 & units_b.keys()) if not units_a[unit] & units_b[unit] and unit not in UNCOUNTED]
    dates_a, dates_b = set(a.dates), set(b.dates)
    date_conflict = bool(dates_a and dates_b and not dates_a & dates_b)
    if date_conflict:
        conflicts.append(f"dates: {', '.join(sorted(dates_a))} vs {', '.join(sorted(dates_b))}")
    shown = shared_labels + [_fmt({n}) for n in numbers] + [f"{_fmt({n})} {u}" for n, u in a.quantities
                                                             if (n, u) in set(b.quantities) and n not in numbers]
    features = (
        math.log1p(w_shared),
        math.log1p(w_only),
        w_shared / (w_shared + w_only) if w_shared + w_only else 0.0,
        float(min(3, len(numbers))),
        float(min(2, len(conflicts) - date_conflict)),
        float(bool(dates_a & dates_b)),
        float(date_conflict),
    )
    return Evidence(tuple(shown), tuple(label[k] for k in a.keys if k not in both),
                    tuple(label[k] for k in b.keys if k not in both), numbers, tuple(conflicts), features)


class EvidenceMatrix:
    """The evidence features of many pairs at once, as :func:`compare` defines them.

    Each kind of evidence is a sparse node × value matrix (entity keys weighted by rarity,
    numbers, days, units, counts of a unit); a pair's shared values are the row-wise products,
    so a hundred thousand candidate links cost a few sparse multiplications, not a loop."""

    def __init__(self, profiles: Sequence[Profile], rarity: Rarity) -> None:
        n = len(profiles)
        keys = _matrix([p.keys for p in profiles], n)
        self.keys, vocabulary = keys
        self.weights = np.zeros(self.keys.shape[1], dtype=np.float64)  # one column even with no keys at all
        self.weights[: len(vocabulary)] = [rarity.weight(k) for k in vocabulary]
        self.total = np.asarray(self.keys @ self.weights).ravel()
        self.numbers = _matrix([p.numbers for p in profiles], n)[0]
        self.dates = _matrix([p.dates for p in profiles], n)[0]
        counted = [[(u, v) for v, u in p.quantities if u not in UNCOUNTED] for p in profiles]
        self.units, units = _matrix([[u for u, _ in q] for q in counted], n)
        self.counts, pairs = _matrix(counted, n)
        column = {u: c for c, u in enumerate(units)}
        unit_of = np.asarray([column[u] for u, _ in pairs], dtype=np.int64)
        self.to_unit = sparse.csr_matrix((np.ones(len(pairs)), (np.arange(len(pairs)), unit_of)),
                                         shape=(self.counts.shape[1], self.units.shape[1]))
        self.has_dates = np.asarray(self.dates.getnnz(axis=1) > 0)

    def features(self, a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Rows of :data:`EVIDENCE_FEATURES` for the pairs (``a[k]``, ``b[k]``)."""
        shared = np.asarray(self.keys[a].multiply(self.keys[b]) @ self.weights).ravel()
        only = self.total[a] + self.total[b] - 2 * shared
        both_units = _rows(self.units[a].multiply(self.units[b]))
        agreeing = _rows((self.counts[a].multiply(self.counts[b]) @ self.to_unit) > 0)
        dates_shared = _rows(self.dates[a].multiply(self.dates[b])) > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            jaccard = np.where(shared + only > 0, shared / (shared + only), 0.0)
        return np.column_stack([
            np.log1p(shared), np.log1p(only), jaccard,
            np.minimum(3, _rows(self.numbers[a].multiply(self.numbers[b]))),
            np.minimum(2, both_units - agreeing),
            dates_shared.astype(np.float64),
            (self.has_dates[a] & self.has_dates[b] & ~dates_shared).astype(np.float64),
        ])


def _matrix(rows: Sequence[Iterable[Any]], n: int) -> tuple[Any, list[Any]]:
    """A binary node × value CSR matrix and its value list."""
    column: dict[Any, int] = {}
    indptr, indices = [0], []
    for values in rows:
        for v in dict.fromkeys(values):
            indices.append(column.setdefault(v, len(column)))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    return sparse.csr_matrix((data, indices, indptr), shape=(n, max(1, len(column)))), list(column)


def _rows(m: Any) -> np.ndarray[Any, Any]:
    return np.asarray(m.sum(axis=1), dtype=np.float64).ravel()


def _by_unit(quantities: Iterable[tuple[float, str]]) -> Mapping[str, set[float]]:
    out: dict[str, set[float]] = {}
    for n, unit in quantities:
        out.setdefault(unit, set()).add(n)
    return out


def _fmt(values: Iterable[float]) -> str:
    return ", ".join(str(int(v)) if float(v).is_integer() else str(v) for v in sorted(values))
