"""The alias tables' mention finder: its shortcuts (entries tried only at the starts of the words
their anchor opens, anchor-less entries skipped unless their literal occurs) must find exactly what
trying every entry everywhere finds."""

import json
from pathlib import Path

import pytest

from align.analysis.aliases import AliasTable, Entry, Mention, compile_alias, packaged_table
from align.analysis.attribution import registry

ROOT = Path(__file__).resolve().parents[1]


def _texts() -> list[str]:
    texts = [json.loads(line)["text"] for line in (ROOT / "corpora/demo/articles.jsonl").read_text("utf-8").splitlines()]
    for path in sorted((ROOT / "corpora/labelled").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines() if line.strip()]
    return texts


def _everywhere(table: AliasTable, text: str) -> list[Mention]:
    """Every entry's matches over the whole text, the longest kept where they overlap: what
    ``find`` promises, without any of its shortcuts."""
    found = [Mention(e.name, e.kind, m.start(), m.end(), m.group(0)) for e in table.entries
             for m in e.pattern.finditer(text)]
    found.sort(key=lambda m: (-(m.end - m.start), m.start))
    taken: list[Mention] = []
    for m in found:
        if all(m.end <= t.start or m.start >= t.end for t in taken):
            taken.append(m)
    return sorted(taken, key=lambda m: m.start)


@pytest.mark.parametrize("table", ["sources", "gazetteer"])
def test_find_equals_trying_every_entry_everywhere(table: str) -> None:
    aliases = registry() if table == "sources" else packaged_table("gazetteer.tsv")
    texts = _texts()
    assert len(texts) > 900
    found = 0
    for text in texts:
        mentions = aliases.find(text)
        assert mentions == _everywhere(aliases, text), text[:120]
        found += len(mentions)
    assert found > 1000  # the tables do name things in these texts


def test_entries_without_an_anchor_are_found_mid_text_and_in_any_case() -> None:
    table = AliasTable([Entry("Mayor", "role", compile_alias("(?:the )?mayor")),
                        Entry("X", "channel", compile_alias("(?:on|in a post on) X")),
                        Entry("Kyiv", "place", compile_alias("Ки[єе]в*"))])
    text = "As THE MAYOR wrote in a post on X, Києві and Киев; themayor and Xavier are not."
    assert [(m.name, m.text) for m in table.find(text)] == [
        ("Mayor", "THE MAYOR"), ("X", "in a post on X"), ("Kyiv", "Києві"), ("Kyiv", "Киев")]
    assert table.find(text) == _everywhere(table, text)


@pytest.mark.parametrize(("alias", "needle"), [
    ("(?:the )?mayor", "mayor"),
    (r"J\.D\. Vance", "vance"),
    ("[Мм]инистерств* обороны", "инистерств"),  # the class is no text; the ending is any
    ("x{10,200}yz", ""),  # a repeat count is no text, and "yz" is too short to be worth a test
    ("(?:on|in a post on) X", ""),  # nothing outside the group is long enough
])
def test_needle_is_text_every_match_contains(alias: str, needle: str) -> None:
    assert Entry("n", "k", compile_alias(alias)).needle == needle
