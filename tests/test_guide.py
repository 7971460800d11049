"""The README's "Your own news in ten minutes", run as written on a folder made from the demo corpus.

The commands are read from the README (between the guide markers); only the values of the
folder, the index and the port are swapped for temporary ones. A newcomer's folder is mixed:
.txt and .html files named after their outlets, and one JSON Lines export.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support import server as process

from .conftest import DEMO, ROOT, free_port

pytestmark = pytest.mark.slow


def guide_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- guide:start -->\s*```sh\n(.*?)```\s*<!-- guide:end -->", text, re.DOTALL)
    assert block, "the README has the guide between its markers"
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def news_folder(root: Path) -> Path:
    """The demo corpus as a user keeps it: one file per article named ``outlet-…``, a few as HTML,
    one outlet's articles as a JSON Lines export."""
    folder = root / "news"
    folder.mkdir()
    rows = [json.loads(line) for line in (DEMO / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    export = [r for r in rows if r["outlet"] == "Balkan Daily"]
    (folder / "balkan-export.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in export) + "\n",
                                               encoding="utf-8")
    for n, row in enumerate(r for r in rows if r["outlet"] != "Balkan Daily"):
        slug = row["outlet"].lower().replace(" ", "")
        name = f"{slug}-{row['published'][:10]}-{n}"
        if n % 5 == 0:
            paragraphs = "".join(f"<p>{p}</p>" for p in row["text"].split("\n\n"))
            (folder / f"{name}.html").write_text(f"<html><head><title>{row['title']}</title></head>"
                                                 f"<body><article>{paragraphs}</article></body></html>",
                                                 encoding="utf-8")
        else:
            (folder / f"{name}.txt").write_text(row["text"], encoding="utf-8")
    return folder


def test_the_readme_guide_runs_as_written(tmp_path: Path) -> None:
    commands = guide_commands()
    assert commands[0].startswith("NEWS=") and [c.split()[1] for c in commands[1:]] == [
        "ingest", "build", "match", "serve"]
    folder, index, port = news_folder(tmp_path), tmp_path / "mine", free_port()
    values = {"NEWS": str(folder), "INDEX": str(index)}
    env = {**os.environ, **values, "ALIGN_MODELS_DIR": str(tmp_path / "models"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    assert dict(pair.split("=", 1) for pair in shlex.split(commands[0])).keys() == values.keys()
    outputs = []
    for command in commands[1:-1]:
        done = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, (command, done.stderr[-2000:])
        outputs.append(done.stdout)
    ingest = outputs[0]
    for outlet in ("frontlinelive", "moskovskyvestnik", "kyivcourier", "novinibg", "Balkan Daily"):
        assert re.search(rf"^  {outlet}: \d+ article\(s\); ", ingest, re.MULTILINE), ingest
    events = [json.loads(line) for line in (index / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any(len(e["outlets"]) >= 3 for e in events), "the demo's shared stories are matched across outlets"

    serve = commands[-1].replace("--port 8000", f"--port {port}")
    proc = process.spawn(["bash", "-c", f"exec {serve} --quiet"], env)
    try:
        process.wait_healthy(proc, port)
        base = f"http://127.0.0.1:{port}"
        listing = httpx.get(base + "/", timeout=30).text
        link = re.search(r'href="(/events/[^"]+)"', listing)
        assert link, "the list page links to events"
        page = httpx.get(base + link.group(1), timeout=30)
        assert page.status_code == 200 and "frontlinelive" in listing
        assert httpx.get(base + "/docs", timeout=30).status_code == 200
    finally:
        process.stop(proc)
