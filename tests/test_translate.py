"""Translation with real (tiny, random-weight) Argos packages built here from specs."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import socket
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from align.cli import main
from align.errors import DependencyMissing, InputError
from align.pipeline import Align
from align.settings import Settings
from align.translate import Translator, install, installed, remove
from align.translate.engine import MAX_PIECES
from align.vectors.centre import anchor_sentences
from tests.support.toymodel import build_package

LINES = [s for sentences in anchor_sentences().values() for s in sentences]
RU = anchor_sentences()["ru"]


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ru-en, en-bg and uk-en packages (different seeds), plus an Argos-style index.json."""
    folder = tmp_path_factory.mktemp("packages")
    for seed, (src, tgt) in enumerate([("ru", "en"), ("en", "bg"), ("uk", "en")]):
        build_package(folder / f"{src}_{tgt}.argosmodel", src, tgt, LINES, seed=seed)
    return folder


@pytest.fixture(scope="session")
def server(packages: Path) -> Iterator[str]:
    """A loopback HTTP server serving the packages and an index that links to them."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(packages))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    index = [{"from_code": p.stem.split("_")[0], "to_code": p.stem.split("_")[1], "package_version": "1.0",
              "links": [f"{base}/{p.name}"]} for p in sorted(packages.glob("*.argosmodel"))]
    (packages / "index.json").write_text(json.dumps(index), encoding="utf-8")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()


def test_install_from_file_folder_url_and_index(packages: Path, server: str, tmp_path: Path) -> None:
    models = tmp_path / "models"
    assert [m.pair for m in install([str(packages / "ru_en.argosmodel")], models, "")] == ["ru-en"]
    remove(models, "ru-en")
    assert installed(models) == []
    assert sorted(m.pair for m in install([str(packages)], models, "")) == ["en-bg", "ru-en", "uk-en"]
    shutil.rmtree(models)
    assert install([f"{server}/en_bg.argosmodel"], models, "")[0].pair == "en-bg"
    assert install(["uk-en"], models, f"{server}/index.json")[0].pair == "uk-en"
    listed = {m.pair: m for m in installed(models)}
    assert set(listed) == {"en-bg", "uk-en"} and listed["uk-en"].version == "1.0"
    assert listed["uk-en"].size_bytes > 100_000


def test_cli_models_list_install_remove(packages: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    md = ["--models-dir", str(tmp_path / "m")]
    assert main(["models", "install", str(packages / "ru_en.argosmodel"), *md]) == 0
    assert main(["models", "list", *md]) == 0
    assert "ru-en    1.0" in capsys.readouterr().out
    assert main(["models", "remove", "ru-en", *md]) == 0
    assert main(["models", "remove", "ru-en", *md]) == 3
    assert "no ru-en model is installed" in capsys.readouterr().err


def test_corrupt_packages_are_refused_and_keep_the_installed_one(packages: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    install([str(packages / "ru_en.argosmodel")], models, "")
    truncated = tmp_path / "truncated.argosmodel"
    truncated.write_bytes((packages / "ru_en.argosmodel").read_bytes()[:5000])
    with pytest.raises(InputError, match="not an Argos package"):
        install([str(truncated)], models, "")
    no_model = tmp_path / "no_model.argosmodel"
    with zipfile.ZipFile(packages / "ru_en.argosmodel") as src, zipfile.ZipFile(no_model, "w") as dst:
        for item in src.infolist():
            if "/model/" not in item.filename:
                dst.writestr(item, src.read(item))
    with pytest.raises(InputError, match=r"no_model.argosmodel: package has no CTranslate2 model"):
        install([str(no_model)], models, "")
    assert [m.pair for m in installed(models)] == ["ru-en"]
    assert Translator(models).translate(["Привет."], "ru", "en")[0]
    assert not [p for p in models.iterdir() if p.name.startswith(".")]


def test_missing_pair_names_the_install_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(DependencyMissing, match="align models install uk-en"):
        Translator(tmp_path / "none").translate(["Привіт"], "uk", "en")
    code = main(["translate", "Привет", "--from", "ru", "--to", "en", "--models-dir", str(tmp_path / "none")])
    assert code != 0
    assert "no ru→en translation model is installed" in capsys.readouterr().err


@pytest.fixture
def models(packages: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "models"
    install([str(packages)], folder, "")
    return folder


def test_pivot_through_english(models: Path) -> None:
    t = Translator(models, beam_size=1)
    direct = t.engine.translate(t.engine.translate(RU[:5], "ru", "en"), "en", "bg")
    assert t.translate(RU[:5], "ru", "bg") == direct
    assert t.model_version("ru", "bg") == "ru-en@1.0+en-bg@1.0"
    with pytest.raises(DependencyMissing, match="align models install bg-uk or bg-en en-uk"):
        t.translate(["Здравей"], "bg", "uk")


def test_batching_gives_the_same_text_in_fewer_calls(models: Path) -> None:
    batched = Translator(models, beam_size=1).engine
    together = batched.translate(RU, "ru", "en")
    single = Translator(models, beam_size=1).engine
    alone = [single.translate([text], "ru", "en")[0] for text in RU]
    assert together == alone
    assert batched.batches < len(RU) // 3 and single.batches >= len(RU)


def test_cache_means_a_second_run_translates_nothing(models: Path) -> None:
    first = Translator(models)
    out = first.translate(RU[:10], "ru", "en")
    assert first.engine.sentences_translated == 10
    first.close()
    second = Translator(models)  # a new process would see the same cache file
    assert second.translate(RU[:10], "ru", "en") == out
    assert second.engine.sentences_translated == 0
    second.translate(RU[:12], "ru", "en")
    assert second.engine.sentences_translated == 2


def test_paragraphs_empty_input_and_a_2000_word_paragraph(models: Path) -> None:
    t = Translator(models, beam_size=1)
    text = "Первый абзац. Два предложения.\n\nВторой абзац.\n\nТретий абзац, 2023 год."
    out = t.translate([text, "", "   \n "], "ru", "en")
    assert out[0].count("\n\n") == 2 and all(p.strip() for p in out[0].split("\n\n"))
    assert out[1:] == ["", "   \n "]
    long = " ".join(["Силы ПВО перехватили шесть беспилотников над Орловской областью"] * 250)  # no full stop
    assert len(long.split()) >= 2000
    before = t.engine.sentences_translated
    result = t.translate([long], "ru", "en")[0]
    assert result.strip() and "\n\n" not in result
    assert t.engine.sentences_translated - before >= len(long.split()) // MAX_PIECES


def test_build_translates_what_it_can_and_says_why_not(models: Path, tmp_path: Path, embedder) -> None:
    settings = replace(Settings(), index_dir=tmp_path / "idx", models_dir=models, quiet=True)
    shutil.rmtree(models / "uk-en")
    app = Align(settings, embedder=embedder)
    rows = [{"outlet": "R", "id": "r", "text": "Три беспилотника сбиты над Калужской областью."},
            {"outlet": "U", "id": "u", "text": "Три безпілотники збили над Калузькою областю."},
            {"outlet": "E", "id": "e", "text": "Three drones were downed over the Kaluga region."}]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    app.ingest([src])
    report = app.build()
    assert report.translated == 1 and sum(report.untranslated.values()) == 1
    members = {m["article_id"]: m for e in app.match() for m in e["members"]}
    assert members["r"]["translation"] and members["r"]["translation_model"] == "ru-en@1.0"
    assert members["u"]["translation"] is None and "align models install uk-en" in members["u"]["translation_reason"]
    assert members["e"]["translation"] is None and members["e"]["translation_reason"] == "the segment is in English"
    hits = {h["article_id"]: h for h in app.search("drones over Kaluga", k=3)}
    assert hits["r"]["translation"] == members["r"]["translation"]
    assert app.build().translated == 0  # nothing new, nothing translated again
    app.close()


def test_no_connection_leaves_loopback() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(OSError, match="reach the network"):
        s.connect(("203.0.113.7", 80))
