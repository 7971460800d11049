"""Installed Argos translation packages: list, install, remove.

Packages live in a directory align controls (setting ``models_dir``, env
``ALIGN_MODELS_DIR``; default ``$XDG_DATA_HOME/align/models``), one folder per pair
(``ru-en/``) holding the unpacked package: ``metadata.json``, ``model/`` (CTranslate2) and
``sentencepiece.model``. A package is unpacked into a temporary folder, checked, and only
then renamed into place, so a corrupt download never replaces a working model.
Nothing is created until a command needs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import DependencyMissing, InputError, NotFound

PAIR_RE = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")
DOWNLOAD_TIMEOUT = 60


@dataclass(frozen=True)
class InstalledModel:
    """One installed translation package."""

    from_code: str
    to_code: str
    version: str
    path: Path
    size_bytes: int
    target_prefix: str = ""

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"

    @property
    def model_version(self) -> str:
        return f"{self.pair}@{self.version}"


def default_models_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "align" / "models"


def _read(folder: Path) -> InstalledModel:
    """Check an unpacked package folder and describe it; errors say what is missing."""
    meta_path = folder / "metadata.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"package has no readable metadata.json ({exc})") from exc
    if not isinstance(meta, dict):
        raise InputError("package metadata.json is not an object")
    src, tgt = meta.get("from_code"), meta.get("to_code")
    if not (isinstance(src, str) and isinstance(tgt, str) and PAIR_RE.match(f"{src}-{tgt}")):
        raise InputError("package metadata.json lacks valid 'from_code' and 'to_code'")
    if not (folder / "model" / "model.bin").is_file():
        raise InputError("package has no CTranslate2 model (model/model.bin)")
    if not (folder / "sentencepiece.model").is_file():
        raise InputError("package has no sentencepiece.model (BPE packages are not supported)")
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return InstalledModel(src, tgt, str(meta.get("package_version", "0")), folder, size,
                          str(meta.get("target_prefix", "") or ""))


def installed(models_dir: Path) -> list[InstalledModel]:
    """Installed packages, by pair; unreadable folders are skipped."""
    if not models_dir.is_dir():
        return []
    out = []
    for folder in sorted(models_dir.iterdir()):
        if folder.is_dir() and PAIR_RE.match(folder.name):
            try:
                out.append(_read(folder))
            except InputError:
                continue
    return out


def find(models_dir: Path, from_code: str, to_code: str) -> InstalledModel | None:
    folder = models_dir / f"{from_code}-{to_code}"
    try:
        return _read(folder) if folder.is_dir() else None
    except InputError:
        return None


def install_file(archive: Path, models_dir: Path) -> InstalledModel:
    """Install one ``.argosmodel`` file; the folder of an older version is replaced."""
    if not zipfile.is_zipfile(archive):
        raise InputError(f"{archive}: not an Argos package (not a zip archive)")
    models_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".install-", dir=models_dir))
    try:
        with zipfile.ZipFile(archive) as zf:
            for name in zf.namelist():
                target = (staging / name).resolve()
                if not target.is_relative_to(staging.resolve()):
                    raise InputError(f"{archive}: unsafe path in archive: {name}")
            bad = zf.testzip()
            if bad:
                raise InputError(f"{archive}: corrupt member {bad}")
            zf.extractall(staging)
        roots = [p for p in staging.iterdir() if p.is_dir()]
        root = roots[0] if len(roots) == 1 and not (staging / "metadata.json").exists() else staging
        try:
            model = _read(root)
        except InputError as exc:
            raise InputError(f"{archive}: {exc.message}") from exc
        final = models_dir / model.pair
        old = models_dir / f".old-{model.pair}"
        if final.exists():
            os.replace(final, old)
        os.replace(root, final)
        shutil.rmtree(old, ignore_errors=True)
        return _read(final)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError(f"{archive}: corrupt package ({exc})") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def download(url: str, dest: Path) -> Path:
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response, open(dest, "wb") as fh:
            shutil.copyfileobj(response, fh)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DependencyMissing(f"cannot download {url}: {exc}") from exc
    return dest


def resolve_from_index(pair: str, index_url: str) -> str:
    """The download link of the newest package for ``pair`` in an Argos package index."""
    src, tgt = pair.split("-")
    try:
        with urllib.request.urlopen(index_url, timeout=DOWNLOAD_TIMEOUT) as response:
            index = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DependencyMissing(f"cannot read the package index {index_url}: {exc}") from exc
    entries = [e for e in index if isinstance(e, dict) and e.get("from_code") == src
               and e.get("to_code") == tgt and e.get("links")] if isinstance(index, list) else []
    if not entries:
        raise NotFound(f"the package index {index_url} has no {pair} package")
    newest = max(entries, key=lambda e: _version_key(str(e.get("package_version", "0"))))
    return str(newest["links"][0])


def _version_key(version: str) -> list[int]:
    return [int(x) if x.isdigit() else 0 for x in version.split(".")]


def install(sources: list[str], models_dir: Path, index_url: str) -> list[InstalledModel]:
    """Install from files, folders of ``.argosmodel`` files, URLs, or pair codes via the index."""
    done: list[InstalledModel] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            archives = sorted(path.glob("*.argosmodel"))
            if not archives:
                raise InputError(f"{path}: folder holds no .argosmodel files")
            done.extend(install_file(a, models_dir) for a in archives)
        elif path.is_file():
            done.append(install_file(path, models_dir))
        elif source.startswith(("http://", "https://")):
            done.append(_install_url(source, models_dir))
        elif PAIR_RE.match(source):
            done.append(_install_url(resolve_from_index(source, index_url), models_dir))
        else:
            raise InputError(f"{source}: not a .argosmodel file, a folder, a URL or a pair code like ru-en")
    return done


def _install_url(url: str, models_dir: Path) -> InstalledModel:
    with tempfile.TemporaryDirectory() as tmp:
        return install_file(download(url, Path(tmp) / "package.argosmodel"), models_dir)


def remove(models_dir: Path, pair: str) -> InstalledModel:
    model = find(models_dir, *pair.split("-", 1)) if PAIR_RE.match(pair) else None
    if model is None:
        raise NotFound(f"no {pair} model is installed in {models_dir}")
    shutil.rmtree(model.path)
    return model
