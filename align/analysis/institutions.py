"""A generic institution named with its country is that country's institution.

News names ministries and services by their country in every language, and in every
language differently: "Moldova's energy ministry", "the Dutch defence ministry",
"Міноборони Нідерландів", "министерство обороны Польши", "румънското министерство на
отбраната". Listing each country's each ministry would take hundreds of rows and still miss
the next one; instead the source table lists the generic institution once ("Energy
Ministry", ``GENERIC``), the country table (``data/countries.tsv``) lists each country's
adjective, and a generic mention that has its country right next to it (an adjective or
possessive before, a genitive after) becomes "Moldovan Energy Ministry". The country is then
part of the source's name, so it is not a place the sentence reports.

Some bodies every country has (the table's kind ``body``: government, army, navy, police,
intelligence, general staff, operational command) say nothing alone: "the government", "the
army" and "розвідка" are whoever the story is about. They are kept only with their country
("the Swiss government", "Естонська розвідка", "уряд Польщі") and dropped otherwise, except in
Ukrainian, which only Ukraine's own news writes in: there "Генштаб" and "уряд" are Ukraine's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from .aliases import Mention, compile_alias, packaged_text, tsv_rows

# Entries of data/sources.tsv that are one country's only when the text says which.
GENERIC = frozenset({
    "Defence Ministry", "Foreign Ministry", "Energy Ministry", "Infrastructure Ministry", "Interior Ministry",
    "Finance Ministry", "Health Ministry", "Justice Ministry", "Economy Ministry", "Military Intelligence",
    "Central Bank", "Border Guard Service", "Prosecutor's Office",
})
BODY = "body"  # the kind of a body that is a source only with its country (see the module's text)
_POSSESSIVE = re.compile(r"['’]s\s+(?:the\s+)?$")
_GENITIVE = re.compile(r"\s+(?:of\s+(?:the\s+)?|на\s+)?")
_IN_CAPITAL = re.compile(r"\s+(?:in|в|у|във)\s+")
NEAR = 40  # characters before a generic mention searched for its country's adjective


@dataclass(frozen=True)
class Country:
    name: str
    demonym: str
    adjective: re.Pattern[str]
    capital: str = ""


@functools.cache
def countries() -> tuple[Country, ...]:
    """The packaged country table: gazetteer name, English demonym, adjective aliases."""
    out = []
    for _, (name, demonym, aliases, capital) in tsv_rows(packaged_text("countries.tsv"), "countries.tsv",
                                                         ("name", "demonym", "aliases", "capital")):
        body = "|".join(compile_alias(a).pattern for a in aliases.split("|"))
        out.append(Country(name, demonym, re.compile(rf"(?:{body})\s+$", re.IGNORECASE), capital))
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def country_adjective(word: str) -> bool:
    """``word`` names a country by its adjective ("Norwegian", "Норвезького"): nobody's name."""
    return any(c.adjective.fullmatch(word + " ") for c in countries())


@functools.cache
def _by_name() -> dict[str, Country]:
    return {c.name: c for c in countries()}


@functools.cache
def _by_capital() -> dict[str, Country]:
    """Each country by its capital, and by its own name: "the defence ministry in Bucharest"."""
    return {c.capital: c for c in countries()} | _by_name()


def _country_of(text: str, generic: Mention, places: list[Mention]) -> tuple[Country, int, int] | None:
    """The country next to a generic mention, with the span the two cover together."""
    for p in places:
        country = _by_name().get(p.name)
        if country is None:
            continue
        if p.end <= generic.start and _POSSESSIVE.fullmatch(text, p.end, generic.start):
            return country, p.start, generic.end
        if p.start >= generic.end and _GENITIVE.fullmatch(text, generic.end, p.start):
            return country, generic.start, p.end
    for p in places:  # "the defence ministry in Bucharest", "міністерство оборони в Бухаресті"
        country = _by_capital().get(p.name)
        if country is not None and p.start >= generic.end and _IN_CAPITAL.fullmatch(text, generic.end, p.start):
            return country, generic.start, p.end
    window = text[max(0, generic.start - NEAR) : generic.start]
    for country in countries():
        m = country.adjective.search(window)
        if m:
            return country, generic.start - len(window) + m.start(), generic.end
    return None


def composed(text: str, mentions: list[Mention], places: list[Mention], home: str | None = None,
             canonical: Callable[[str], str] = str) -> list[Mention]:
    """``mentions`` with each generic institution that names its country made that country's
    ("Moldova's energy ministry" → Moldovan Energy Ministry), spanning both, and named as
    ``canonical`` lists it ("Ukrainian General Staff" → General Staff of Ukraine). Without its
    country, a generic institution or body is the ``home`` country's when the text's language
    says whose (Ukrainian news: "Генштаб", "уряд", "Міненерго" are Ukraine's); otherwise a body
    is left out and a generic institution stays generic. A body owned by another one of a country
    is that country's ("the Polish army's operational command" → Polish Operational Command)."""
    out: list[Mention] = []
    last: Country | None = None  # the country of the mention just composed
    for m in mentions:
        if m.name in GENERIC or m.kind == BODY:
            found = _country_of(text, m, places)
            if found is None and last is not None and _POSSESSIVE.fullmatch(text, out[-1].end, m.start):
                found = last, out.pop().start, m.end
            if found is None and home is not None:
                found = _by_name()[home], m.start, m.end
            last = found[0] if found is not None else None
            if found is not None:
                country, start, end = found
                m = Mention(canonical(f"{country.demonym} {m.name}"), m.kind, start, end, text[start:end])
            elif m.kind == BODY:
                continue
        elif m.kind in {"institution", "agency"}:
            last = None
            # "Russia's Federal Air Transport Agency": the possessive country is part of the name
            found_owner = owner(text, m.start, places)
            if found_owner is not None:
                m = Mention(m.name, m.kind, found_owner.start, m.end, text[found_owner.start : m.end])
        else:
            last = None
        out.append(m)
    return out


def owner(text: str, start: int, places: list[Mention]) -> Mention | None:
    """The country whose possessive stands right before ``start`` ("Russia's", "South Korea's the")."""
    return next((p for p in places if p.end <= start and p.name in _by_name()
                 and _POSSESSIVE.fullmatch(text, p.end, start)), None)


# Ukraine's regional military and state administrations, named by their region's adjective
# ("Херсонська ОВА", "Харківської обласної військової адміністрації", "Запорожская ОВА"), and a
# regional administration that says neither ("Харковската областна администрация").
_ADMINISTRATION = re.compile(
    r"(?P<region>[А-ЯІЇЄҐ][а-яіїєґ'’]+(?:ськ|ск)\w*)\s+(?:(?P<military>ОВА|обласн\w+ військов\w+ адміністраці\w+"
    r"|областн\w+ военн\w+ администраци\w+)|(?P<state>ОДА|обласн\w+ державн\w+ адміністраці\w+"
    r"|областн\w+ государственн\w+ администраци\w+)|обласн\w+ адміністраці\w+|областн\w+ администраци\w+)(?!\w)")


# Two oblasts keep the names their centres lost (the gazetteer names the region by its centre).
_OBLAST_NAMES = {"Dnipro": "Dnipropetrovsk", "Kropyvnytskyi": "Kirovohrad"}


def administrations(text: str, places: list[Mention]) -> list[Mention]:
    """Ukrainian regional administrations (institutions), named after the region's place in the
    gazetteer: "Херсонська ОВА" → Kherson Regional Military Administration, "Дніпропетровська
    ОВА" → Dnipropetrovsk Regional Military Administration."""
    found = []
    for m in _ADMINISTRATION.finditer(text):
        region = next((p for p in places if p.start == m.start("region")), None)
        if region is None:
            continue
        kind = "Military " if m["military"] else "State " if m["state"] else ""
        oblast = region.name.removesuffix(" region")
        name = f"{_OBLAST_NAMES.get(oblast, oblast)} Regional {kind}Administration"
        found.append(Mention(name, "institution", m.start(), m.end(), m.group(0)))
    return found
