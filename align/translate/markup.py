"""Translating HTML: the text is translated, the markup is kept.

lxml (already installed with trafilatura) parses and serialises; this module only decides which
text nodes are prose. Argos's own ``translatehtml`` was the first choice, but it needs the
``argostranslate`` package, which pulls stanza, spaCy and an unpinned (CUDA) torch, and it pins
beautifulsoup4 4.9.3; none of that is worth it for choosing text nodes.

Each text node is translated on its own (one batched call for the whole page), so a sentence
split by inline markup ("went to <b>Paris</b> in May") is translated in pieces: the markup
stays exactly where it was, at some cost to fluency across the tag.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# Elements whose text is code, data or time stamps, never prose.
VERBATIM = frozenset({"script", "style", "code", "pre", "kbd", "samp", "var", "time", "svg", "math",
                      "noscript", "template", "textarea"})
_DOCUMENT = re.compile(r"\s*(<!doctype|<html)", re.IGNORECASE)
_EDGES = re.compile(r"^(\s*)(.*?)(\s*)$", re.DOTALL)


def translate_html(html: str, translate: Callable[[list[str]], list[str]]) -> str:
    """``html`` (a fragment or a whole document) with every prose text node translated.

    ``translate`` maps a list of texts to their translations in one call. Whitespace around
    each node is kept as it was; text inside :data:`VERBATIM` elements or under
    ``translate="no"`` is left alone, as are comments."""
    from lxml import html as lxml_html

    if not html.strip():
        return html
    root, document = _parsed(html)
    slots: list[tuple[object, str]] = []
    for element in root.iter():
        if isinstance(element.tag, str) and _translatable(element):
            slots.append((element, "text"))
        parent = element.getparent()
        if parent is not None and _translatable(parent):
            slots.append((element, "tail"))
    slots = [(e, attr) for e, attr in slots if (getattr(e, attr) or "").strip()]
    parts = [_EDGES.match(getattr(e, attr)).groups() for e, attr in slots]  # type: ignore[union-attr]
    done = translate([core for _, core, _ in parts]) if parts else []
    for (element, attr), (lead, _, trail), text in zip(slots, parts, done, strict=True):
        setattr(element, attr, f"{lead}{text}{trail}")
    if document:
        return str(lxml_html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>"))
    inner = [root.text or ""] + [lxml_html.tostring(child, encoding="unicode") for child in root]
    return "".join(inner)


def _translatable(element: object) -> bool:
    """False inside verbatim elements or under ``translate="no"`` (on it or an ancestor)."""
    node = element
    while node is not None:
        tag = getattr(node, "tag", None)
        if not isinstance(tag, str) or tag.lower() in VERBATIM:
            return False
        if str(node.get("translate", "")).lower() == "no":  # type: ignore[attr-defined]
            return False
        node = node.getparent()  # type: ignore[attr-defined]
    return True


def text_of(html: str) -> str:
    """The visible text of ``html`` (for detecting its language)."""
    if not html.strip():
        return ""
    root, _ = _parsed(html)
    for element in list(root.iter()):
        if isinstance(element.tag, str) and element.tag.lower() in VERBATIM and element.getparent() is not None:
            element.drop_tree()
    return " ".join(root.text_content().split())


def _parsed(html: str) -> tuple[Any, bool]:
    """The parsed page (a whole document) or fragment (under a ``<div>``), and which it was."""
    from lxml import html as lxml_html

    if _DOCUMENT.match(html):
        return lxml_html.document_fromstring(html), True
    return lxml_html.fragment_fromstring(html, create_parent="div"), False
