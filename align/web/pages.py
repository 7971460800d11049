"""The pages people read: the events list, the side-by-side comparison, search results.

Each page is built from the same data function as its JSON twin (``Align.events``,
``Align.event_view``, ``Align.search``), and the static report of a batch job is rendered
by the same functions with links to files. Article text is untrusted: everything is escaped
here, only http(s) links become links, and the server sends a Content-Security-Policy that
allows scripts and styles from itself only. Every asset ships in the package (``static/``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from ..analysis.alignment import sentences_of
from ..events.view import coverage_of
from ..records import CoverageJson, EventView, FactRow, HitJson, MemberJson, SourceJson
from .readable import span_tag, time_tag

STATIC = Path(__file__).resolve().parent / "static"
VIEWS = ("both", "original", "translation")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


@dataclass(frozen=True)
class Links:
    """Where a page's links lead: the server's routes, or the files of a static report that
    opens from disk (no search box or filters there: they need the server)."""

    root: str = "/"
    static: bool = False

    def asset(self, name: str) -> str:
        return f"{self.root}static/{name}"

    def home(self) -> str:
        return f"{self.root}index.html" if self.static else "/"

    def event(self, event_id: str) -> str:
        return f"{self.root}events/{event_id}.html" if self.static else f"/events/{event_id}"


SERVER = Links()


def e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def page(title: str, body: str, *, view: str = "both", query: str = "", links: Links = SERVER) -> str:
    search = "" if links.static else (
        "<form class=\"inline\" role=\"search\" action=\"/search\" method=\"get\">"
        "<label for=\"q\" class=\"muted\">Search (bg, ru, uk, en)</label>"
        f"<input type=\"search\" id=\"q\" name=\"q\" value=\"{e(query)}\" required>"
        "<input type=\"submit\" value=\"Search\"></form>")
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{e(title)} · align</title><link rel=\"stylesheet\" href=\"{e(links.asset('app.css'))}\"></head>"
        f"<body class=\"view-{e(view)}\"><header class=\"top\">"
        f"<a class=\"home\" href=\"{e(links.home())}\">align</a>{search}</header>"
        f"<main>{body}</main><script src=\"{e(links.asset('app.js'))}\"></script></body></html>"
    )


def _badges(sources: Sequence[SourceJson]) -> str:
    return "".join(f"<span class=\"badge{' tass' if s['name'] == 'TASS' else ''}\" title=\"{e(s['phrase'])}\">"
                   f"{e(s['name'])}</span>" for s in sources)


def _span(member: Mapping[str, Any]) -> str:
    """The member's time as HTML (a ``<time>`` element, readable)."""
    return time_tag(member.get("time") or member.get("published"))


SCORE_LINE = ("Score: the probability (0–1) that a report tells the same story as its closest report here, "
              "from their similarity and the names, numbers and dates they share.")


def coverage_bar(cov: CoverageJson) -> str:
    """One cell per known outlet: those that told the event (with their languages) first, then
    those that did not; below it, how many of the telling outlets cite each watched agency."""
    told = "".join(f"<span class=\"told\" title=\"{e(t['outlet'])} told it ({e(', '.join(t['langs']))})\">"
                   f"{e(t['outlet'])} <small>{e(', '.join(t['langs']))}</small></span>" for t in cov["told"])
    silent = "".join(f"<span class=\"silent\" title=\"{e(o)} did not tell it\">{e(o)}</span>" for o in cov["silent"])
    n, of = len(cov["told"]), len(cov["told"]) + len(cov["silent"])
    langs = sorted({lang for t in cov["told"] for lang in t["langs"]})
    cites = " · ".join(f"{e(agency)} {count}" for agency, count in cov["cites"].items())
    return (f"<div class=\"coverage\" role=\"img\" aria-label=\"Told by {n} of {of} outlets\">{told}{silent}</div>"
            f"<p class=\"muted coverage-note\">Told by {n} of {of} outlets in {e(', '.join(langs))}"
            f"{' · not by ' + e(', '.join(cov['silent'])) if cov['silent'] else ''} · outlets citing: {cites}</p>")


def events_page(events: Sequence[Mapping[str, Any]], outlets: list[str], filters: dict[str, str | None],
                links: Links = SERVER) -> str:
    """The list, newest first, with the coverage matrix of events × outlets."""
    options = "".join(f"<option value=\"{e(o)}\"{' selected' if filters.get('outlet') == o else ''}>{e(o)}</option>"
                      for o in outlets)
    langs = "".join(f"<option value=\"{c}\"{' selected' if filters.get('lang') == c else ''}>{c}</option>"
                    for c in ("bg", "ru", "uk", "en"))
    tass = " checked" if filters.get("quotes") else ""
    form = (
        "<form class=\"inline\" method=\"get\" action=\"/\" aria-label=\"Filters\">"
        f"<label>Outlet <select name=\"outlet\"><option value=\"\">any</option>{options}</select></label>"
        f"<label>Language <select name=\"lang\"><option value=\"\">any</option>{langs}</select></label>"
        f"<label><input type=\"checkbox\" name=\"quotes\" value=\"TASS\"{tass}> quotes TASS</label>"
        "<input type=\"submit\" value=\"Filter\"></form>"
    ) if not links.static else ""
    covered = [coverage_of(ev["members"], outlets) for ev in events]  # the bar and the matrix
    items = []
    for ev, cov in zip(events, covered, strict=True):
        times = sorted(t for t in (m.get("time") or m.get("published") for m in ev["members"]) if t)
        span = span_tag(times[0], times[-1]) if times else ""
        items.append(
            f"<li><a href=\"{e(links.event(ev['event_id']))}\">{e(ev['title'])}</a><div class=\"muted\">{span} · "
            f"{e(', '.join(ev['outlets']))} · {e(', '.join(ev.get('langs', [])))}</div>"
            f"{coverage_bar(cov)}</li>")
    head = "".join(f"<th scope=\"col\">{e(o)}</th>" for o in outlets)
    rows = []
    for ev, cov in zip(events, covered, strict=True):
        by_outlet = {t["outlet"]: t["langs"] for t in cov["told"]}
        cells = "".join(
            f"<td class=\"yes\">{e(', '.join(by_outlet[o]))}</td>" if o in by_outlet
            else "<td class=\"no\">—</td>" for o in outlets)
        link = f"<a href=\"{e(links.event(ev['event_id']))}\">{e(ev['title'])}</a>"
        rows.append(f"<tr><th scope=\"row\">{link}</th>{cells}</tr>")
    matrix = (f"<div class=\"matrix-wrap\"><table class=\"matrix\"><caption>Coverage: who covered what</caption>"
              f"<thead><tr><th scope=\"col\">event</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")
    body = (f"<h1>Events</h1>{form}<p class=\"muted\">{len(events)} event(s), newest first</p>"
            f"<ul class=\"events\">{''.join(items)}</ul><h2>Coverage</h2>{matrix}")
    return page("Events", body, query="", links=links)


def _sentences(text: str, prefix: str, links: dict[str, list[str]]) -> str:
    parts = []
    for j, sentence in enumerate(sentences_of(text)):
        sid = f"{prefix}s{j}"
        aligned = " ".join(links.get(sid, []))
        parts.append(f"<span class=\"s\" tabindex=\"0\" data-sid=\"{sid}\" data-aligned=\"{e(aligned)}\">"
                     f"{e(sentence)}</span> ")
    return "".join(parts)


def event_page(ev: EventView, view: str, links: Links = SERVER) -> str:
    """One column per outlet; original, translation or both; sentence highlights; the fact table."""
    view = view if view in VIEWS else "both"
    aligned: dict[str, list[str]] = defaultdict(list)
    for a, b, _ in ev.get("alignment", []):
        aligned[a].append(b)
        aligned[b].append(a)
    columns: dict[str, list[str]] = defaultdict(list)
    outlet_of = {m["segment_id"]: m["outlet"] for m in ev["members"]}
    for i, m in enumerate(ev["members"]):
        score = "" if m.get("score") is None else f" · score {m['score']:.2f}"
        if m.get("translation"):
            translation = (f"<div class=\"translation\" lang=\"en\"><span class=\"muted\">English:</span> "
                           f"{e(m['translation'])}</div>")
        elif m.get("lang") == "en":
            translation = ""
        else:
            translation = f"<div class=\"translation note\">{e(m.get('translation_reason') or 'no translation')}</div>"
        columns[m["outlet"]].append(
            f"<article class=\"segment\" id=\"{e(m['segment_id'])}\"><div class=\"meta\">{e(m.get('lang'))} · "
            f"{_span(m)}<span title=\"{e(SCORE_LINE)}\">{e(score)}</span></div>"
            f"<div>{_badges(m.get('sources', []))}</div>"
            f"<div class=\"{'text' if m.get('lang') == 'en' else 'text original'}\" lang=\"{e(m.get('lang'))}\">"
            f"{_sentences(m['text'], f'm{i}', aligned)}</div>"
            f"{translation}{_why(m, outlet_of)}</article>")
    cols = "".join(f"<section class=\"column\" aria-label=\"{e(o)}\"><h2>{e(o)}</h2>{''.join(v)}</section>"
                   for o, v in sorted(columns.items()))
    current = ' aria-current="true"'
    toggles = " · ".join(
        f"<a href=\"?{urlencode({'view': v})}\"{current if v == view else ''}>{v}</a>" for v in VIEWS)
    outlets = sorted(columns)
    head = "".join(f"<th scope=\"col\">{e(o)}</th>" for o in outlets)
    rows = "".join(_fact_row(row, outlets) for row in ev.get("fact_table", []))
    facts = (f"<div class=\"facts-wrap\"><table class=\"facts\"><caption>Facts by outlet: a value that differs "
             f"from what most outlets state is marked</caption><thead><tr><th scope=\"col\">fact</th>"
             f"<th scope=\"col\">most outlets</th>{head}</tr></thead><tbody>{rows}</tbody></table></div>")
    bar = coverage_bar(ev["coverage_bar"]) if "coverage_bar" in ev else ""
    related = "".join(
        f"<li><a href=\"{e(links.event(r['event_id']))}\">{e(r['event_id'])}</a> <span class=\"muted\">"
        f"{r['score']:.2f}{' · ' + e(', '.join(r['shared'][:6])) if r['shared'] else ''}</span></li>"
        for r in ev.get("related", []))
    related_block = ("<h2>Same developing story</h2><p class=\"muted\">Events linked by weaker evidence than one "
                     f"event needs.</p><ul class=\"related\">{related}</ul>") if related else ""
    body = (f"<h1>{e(ev['title'])}</h1>{bar}<p class=\"toggles\">Show: {toggles}</p>"
            f"<p class=\"muted score-line\">{e(SCORE_LINE)}</p>"
            f"<div class=\"columns\">{cols}</div><h2>Facts</h2>{facts}{related_block}")
    return page(ev["title"], body, view=view, links=links)


def _fact_row(row: FactRow, outlets: list[str]) -> str:
    """A fact-table row: the majority value (and how many outlets state it), then each outlet's cell."""
    if row.get("majority") is not None and row.get("stated_by", 0) > 1:
        most = (f"{e(', '.join(row['majority'] or []))} "
                f"<span class=\"muted\">({row['majority_of']} of {row['stated_by']})</span>")
    elif row.get("stated_by", 0) > 1:
        most = "<span class=\"muted\">no majority</span>"
    else:
        most = "<span class=\"muted\">one outlet</span>"
    labels = {"agree": "agrees", "differ": "differs", "missing": "not stated"}
    cells = "".join(
        f"<td class=\"{c['status']}\" data-status=\"{c['status']}\">{e(', '.join(c['values']) or '—')}"
        f" <span class=\"muted\">{labels.get(c['status'], c['status'])}</span></td>"
        for c in (row["cells"][o] for o in outlets))
    return (f"<tr><th scope=\"row\">{e(row['kind'])}: {e(row['about'])}</th>"
            f"<td class=\"majority\">{most}</td>{cells}</tr>")


def _why(member: MemberJson, outlet_of: Mapping[str, str]) -> str:
    """Why a member is in its event: its strongest links, with what they share or dispute."""
    lines = []
    for x in member.get("evidence", [])[:3]:
        shared = ", ".join(x.get("shared", [])[:6]) or "similar wording"
        conflict = f"; disagree on {', '.join(x['conflicting'])}" if x.get("conflicting") else ""
        lines.append(f"<li>with {e(outlet_of.get(x['segment_id'], x['segment_id']))} ({x['score']:.2f}): "
                     f"{e(shared)}{e(conflict)}</li>")
    if not lines:
        return ""
    return (f"<details class=\"why\"><summary>Why joined</summary><p class=\"muted\">Score: the probability "
            f"that two reports tell one story, from their similarity and the names, numbers and dates they "
            f"share.</p><ul>{''.join(lines)}</ul></details>")


def _highlighted(hit: Mapping[str, Any]) -> str:
    """The hit's text with its sentence nearest the query marked."""
    span = hit.get("sentence_span")
    text = hit["text"]
    if not span or span[0] < 0:
        return e(text)
    a, b = span
    return f"{e(text[:a])}<mark class=\"hit\">{e(text[a:b])}</mark>{e(text[b:])}"


def claims_page(found: Mapping[str, Any]) -> str:
    """A claim's timeline: every report in order of time, the first marked, then by outlet
    whom each attributes it to, and the facts the versions state differently."""
    reports = sorted((r for o in found["outlets"] for r in o["reports"]),
                     key=lambda r: (r["when"] is None, r["when"] or "", r["segment_id"]))
    first = ' <span class="badge first">first report</span>'
    items = "".join(
        f"<li class=\"{'first' if r['earliest'] else ''}\">{time_tag(r['when']) or '<time>undated</time>'} "
        f"<strong>{e(r['outlet'])}</strong> <span class=\"muted\">{e(r['lang'])} · {r['sentence_score']:.2f}</span>"
        f"{first if r['earliest'] else ''} {_badges(r.get('sources', []))}"
        + (f" <a href=\"/events/{e(r['event_id'])}\">event</a>" if r.get("event_id") else "")
        + f"<div class=\"text\">{_highlighted(r)}</div></li>" for r in reports)
    who = "".join(f"<li><strong>{e(o)}</strong>: {e(', '.join(names) or 'no attribution')}</li>"
                  for o, names in found["sources"].items())
    facts = "".join(
        f"<tr><th scope=\"row\">{e(row['kind'])}: {e(row['about'])}</th>"
        + "".join(f"<td class=\"{e(c['status'])}\">{e(', '.join(c['values']) or '—')}</td>"
                  for c in row["cells"].values()) + "</tr>" for row in found["facts_differ"])
    head = "".join(f"<th scope=\"col\">{e(o)}</th>" for o in (found["facts_differ"][0]["cells"]
                                                                if found["facts_differ"] else []))
    body = (f"<h1>Claim: {e(found['query'])}</h1>"
            f"<p class=\"muted\">{found['count']} report(s) in {len(found['outlets'])} outlet(s), "
            f"sentence score ≥ {found['threshold']:.2f}</p>"
            + (f"<ol class=\"timeline\">{items}</ol>" if reports else "<p>No stored segment carries this claim.</p>")
            + (f"<h2>Attributed to</h2><ul>{who}</ul>" if who else "")
            + (f"<h2>Facts that differ</h2><table class=\"facts\"><thead><tr><th></th>{head}</tr></thead>"
               f"<tbody>{facts}</tbody></table>" if facts else ""))
    return page(f"Claim: {found['query']}", body, query=found["query"])


def search_page(query: str, hits: Sequence[HitJson], titles: Mapping[str, str]) -> str:
    """Results grouped by event."""
    groups: dict[str | None, list[HitJson]] = defaultdict(list)
    for hit in hits:
        groups[hit.get("event_id")].append(hit)
    blocks = []
    for event_id, members in groups.items():
        head = (f"<h2><a href=\"/events/{e(event_id)}\">{e(titles.get(event_id, event_id))}</a></h2>"
                if event_id else "<h2>Not yet in an event</h2>")
        items = "".join(
            f"<li><strong>{e(h['outlet'])}</strong> <span class=\"muted\">{e(h['lang'])} · {h['score']:.2f}</span> "
            f"{_badges(h.get('sources', []))}<div class=\"text\">{_highlighted(h)}</div></li>" for h in members)
        blocks.append(f"<section class=\"result\">{head}<ul class=\"events\">{items}</ul></section>")
    body = f"<h1>Search: {e(query)}</h1><p class=\"muted\">{len(hits)} result(s)</p>{''.join(blocks)}"
    return page(f"Search: {query}", body, query=query)
