"""The pages in real headless Chromium (Debian's, through Playwright) against a real `align serve`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from align.pipeline import Align
from align.settings import Settings

from .conftest import DEMO, free_port, start_server, stop_server

CHROMIUM = Path("/usr/bin/chromium")
KEY = "page-key"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed (.ci/run installs it)")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("site")
    app = Align(replace(Settings(), index_dir=root / "index", models_dir=root / "models", quiet=True))
    app.ingest([DEMO])
    app.build()
    app.match()
    app.close()
    port = free_port()
    proc = start_server(root / "index", port, KEY)
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM),
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def _page(browser: object, width: int = 1280, height: int = 900):
    ctx = browser.new_context(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    page = ctx.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:")) else None)
    page.outside = outside
    return page


def test_list_event_toggle_highlight_and_fact_table(site: str, browser: object) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = _page(browser)
    response = page.goto(site + "/")
    assert "Content-Security-Policy" in response.headers or "content-security-policy" in response.headers
    assert page.locator("table.matrix tbody tr").count() == 10
    assert page.locator("table.matrix td.no").count() > 0  # who left an event out
    page.screenshot(path=str(ARTIFACTS / "list-desktop.png"), full_page=True)
    page.get_by_role("link", name="Six Ukrainian drones intercepted over Oryol and Tula").first.click()
    page.wait_for_selector("section.column")
    assert page.locator("section.column").count() == 4
    assert page.locator(".badge.tass").count() >= 2
    bar = page.locator("h1 + .coverage")  # the coverage bar under the title: who told it, who did not
    assert bar.locator(".told").count() == 4 and bar.locator(".silent").all_inner_texts() == ["Novini BG"]
    note = page.locator("h1 ~ .coverage-note").first.inner_text()
    assert "Told by 4 of 5 outlets in en, ru, uk" in note and "not by Novini BG" in note and "TASS 2" in note
    assert "Score: the probability" in page.locator(".score-line").inner_text()
    assert page.locator(".segment .meta time").first.inner_text().endswith("2023")  # "Thu 7 Sep 2023", not ISO
    # hovering a Russian sentence lights up its counterparts in other columns
    ru = page.locator("section[aria-label='Moskovsky Vestnik'] .s").first
    ru.hover()
    lit = page.locator(".s.hl")
    assert lit.count() >= 2
    assert page.locator("section[aria-label='Moskovsky Vestnik'] .s.hl").count() == 0
    page.mouse.move(0, 0)
    assert page.locator(".s.hl").count() == 0
    page.keyboard.press("Tab")
    ru.focus()
    assert page.locator(".s.hl").count() >= 2  # keyboard focus does the same
    facts = page.locator("table.facts")
    assert facts.locator("td[data-status=differ]").count() >= 1 or facts.locator("td[data-status=agree]").count() >= 4
    assert facts.locator("td[data-status=missing]").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "event-desktop.png"), full_page=True)
    page.get_by_role("link", name="translation").click()
    assert "view=translation" in page.url
    assert page.locator("section[aria-label='Moskovsky Vestnik'] .text.original").is_hidden()
    assert page.locator("section[aria-label='Moskovsky Vestnik'] .note").first.is_visible()
    assert "align models install ru-en" in page.locator("section[aria-label='Moskovsky Vestnik'] .note").first.inner_text()
    shared = page.url
    page.goto(site + "/")
    page.goto(shared)  # the toggle lives in the link
    assert page.locator("section[aria-label='Kyiv Courier'] .text.original").is_hidden()
    assert page.outside == []


def test_pages_at_phone_width_and_speed(site: str, browser: object) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    phone = _page(browser, 390, 844)
    phone.goto(site + "/")
    phone.screenshot(path=str(ARTIFACTS / "list-phone.png"), full_page=True)
    link = phone.locator("ul.events a").first.get_attribute("href")
    phone.goto(site + str(link))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # no sideways scrolling of the page itself
    phone.screenshot(path=str(ARTIFACTS / "event-phone.png"), full_page=True)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        assert httpx.get(site + str(link), timeout=30).status_code == 200
        timings.append(time.perf_counter() - started)
    assert sorted(timings)[2] < 0.3


def test_search_in_russian_finds_the_english_outlet(site: str, browser: object) -> None:
    page = _page(browser)
    page.goto(site + "/")
    page.fill("input[type=search]", "Ким Чен Ын поедет к Путину обсуждать поставки оружия")
    page.press("input[type=search]", "Enter")
    page.wait_for_selector("section.result")
    first = page.locator("section.result").first
    assert "Kim" in first.locator("h2").inner_text()
    assert first.locator("li", has_text="Frontline Live").count() == 1


def test_hostile_article_text_shows_as_text(site: str, browser: object) -> None:
    hostile = ("<script>window.__xss = 1</script> Drones hit a depot near Kherson overnight. "
               "<img src=x onerror=\"window.__xss = 2\"> <a href=\"javascript:window.__xss=3\">click</a> more text.")
    r = httpx.post(site + "/api/articles", headers={"X-API-Key": KEY}, timeout=120,
                   json={"outlet": "Hostile", "id": "xss-1", "text": hostile})
    assert r.status_code == 201, r.text
    page = _page(browser)
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    page.goto(site + "/search?q=" + "drones hit a depot near Kherson")
    section = page.locator("li", has_text="Hostile")
    assert section.count() >= 1
    assert "<script>window.__xss = 1</script>" in section.first.inner_text()
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("img").count() == 0 and page.locator("a[href^='javascript:']").count() == 0
    events = httpx.get(site + "/api/events", timeout=60).json()["events"]
    ev = next(e for e in events if any(m["article_id"] == "xss-1" for m in e["members"]))
    page.goto(site + f"/events/{ev['event_id']}")
    for element in page.locator(".s").all()[:20]:
        element.hover()
    assert page.evaluate("typeof window.__xss") == "undefined" and dialogs == []
    assert "onerror" in page.locator("section[aria-label='Hostile']").inner_text()
    assert json.dumps(page.evaluate("document.querySelectorAll('script:not([src])').length")) == "0"


def test_claims_page_is_a_timeline_with_the_first_report_marked(site: str, browser: object) -> None:
    page = _page(browser)
    claim = "Один аппарат сбит над Калужской областью, другой — над Тверской."
    page.goto(site + "/claims?" + urlencode({"q": claim}))
    page.wait_for_selector("ol.timeline")
    items = page.locator("ol.timeline > li")
    assert items.count() >= 3, page.content()
    times = [items.nth(i).locator("time").inner_text() for i in range(items.count())]
    assert times == sorted(times), times  # "YYYY-MM-DD[ HH:MM]" sorts by time
    assert "first report" in items.first.inner_text()
    assert items.first.get_attribute("class") == "first"
    outlets = {items.nth(i).locator("strong").inner_text() for i in range(items.count())}
    assert {"Moskovsky Vestnik", "Novini BG", "Frontline Live"} <= outlets, outlets
    marked = [items.nth(i).locator("mark.hit").inner_text() for i in range(items.count())]
    assert any("Kaluga" in m for m in marked) and any("Калуж" in m for m in marked), marked
    page.screenshot(path=str(ARTIFACTS / "claims-1280.png"), full_page=True)
    assert not page.outside, page.outside


def test_search_by_sentence_highlights_the_matching_sentence(site: str, browser: object) -> None:
    page = _page(browser)
    page.goto(site + "/search?" + urlencode({"q": "Над Тульской областью сбиты два беспилотника."}))
    page.wait_for_selector("section.result")
    marks = page.locator("mark.hit")
    assert marks.count() >= 2
    assert any("Tula" in marks.nth(i).inner_text() for i in range(marks.count()))


def _offline(browser: object, url: str, selector: str) -> tuple[str, list[str], list[str]]:
    """Open ``url`` with every request beyond loopback aborted; the text of ``selector``, the
    requests that were refused and the CSP violations seen."""
    page = _page(browser)
    blocked: list[str] = []
    refused: list[str] = []

    def only_loopback(route: Any) -> None:
        if route.request.url.startswith("http://127.0.0.1"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(url)
    page.wait_for_selector(selector, timeout=30_000)
    return " ".join(page.locator(selector).all_inner_texts()), blocked + page.outside, refused


def test_api_docs_render_with_the_network_cut(site: str, browser: object) -> None:
    """/docs (Swagger UI) and /redoc load their assets from this server: with the network cut
    they still list the operations, and their CSP blocks nothing."""
    shown, blocked, refused = _offline(browser, site + "/docs", ".opblock-summary-path")
    assert "/api/search" in shown and "/translate" in shown
    assert not blocked and not refused, (blocked, refused)
    shown, blocked, refused = _offline(browser, site + "/redoc", "h2")
    assert "search" in shown.lower(), shown[:300]
    # ReDoc's bundle asks for its maker's logo from a CDN, and hides it when it fails: the page's
    # CSP refuses it, so nothing else is fetched from outside and nothing else is refused.
    logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert set(blocked) <= {logo} and all(logo in r for r in refused), (blocked, refused)


def test_fact_table_shows_the_majority_and_the_lone_different_value(site: str, browser: object) -> None:
    """A fifth outlet reports eight drones where four say six: its cell alone is marked as
    differing, and the row names six as what most outlets state."""
    lone = {"outlet": "Test Wire", "id": "tw-eight", "published": "2023-09-07",
            "text": "Eight Ukrainian drones intercepted over Oryol and Tula\n\nRussian air defence forces "
                    "intercepted eight Ukrainian drones over the Oryol and Tula regions during the night, the "
                    "Russian defence ministry said, as quoted by TASS. Local authorities in Tula reported no damage."}
    r = httpx.post(site + "/api/articles", json=[lone], headers={"X-API-Key": KEY}, timeout=120)
    assert r.status_code in (200, 201), r.text
    page = _page(browser)
    page.goto(site + "/")
    page.get_by_role("link", name="Six Ukrainian drones intercepted over Oryol and Tula").first.click()
    page.wait_for_selector("table.facts")
    row = page.locator("table.facts tr", has=page.locator("th", has_text="quantity: drone")).first
    assert row.locator("td.majority").inner_text().startswith("6 (4 of 5)")
    differing = row.locator("td[data-status=differ]")
    assert differing.count() == 1 and differing.inner_text().startswith("8")
    assert row.locator("td[data-status=agree]").count() == 4
    page.screenshot(path=str(ARTIFACTS / "event-majority-desktop.png"), full_page=True)
    phone = _page(browser, 390, 844)
    phone.goto(page.url)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    phone.screenshot(path=str(ARTIFACTS / "event-majority-phone.png"), full_page=True)
