from pathlib import Path

import pytest

from align.errors import InputError
from align.settings import Settings, markdown_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_settings_table_is_the_generated_one() -> None:
    """README's table is `python -m align.settings` output: every setting, its default and help."""
    text = README.read_text(encoding="utf-8")
    start, end = text.index("<!-- settings:start -->"), text.index("<!-- settings:end -->")
    assert text[start:end].split("\n", 1)[1].strip() == markdown_table()
    for name, _, _, _ in Settings.describe():
        assert f"| `{name}` |" in text, name


def test_file_env_and_overrides_in_rising_priority(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "align.toml"
    cfg.write_text('match_k = 5\ntime_window_hours = 12.0\nindex_dir = "from-file"\n', encoding="utf-8")
    monkeypatch.setenv("ALIGN_TIME_WINDOW_HOURS", "24")
    s = Settings.load(cfg, index_dir=Path("from-flag"))
    assert (s.match_k, s.time_window_hours, s.index_dir) == (5, 24.0, Path("from-flag"))


def test_unknown_or_mistyped_settings_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("match_kk = 3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown setting.*match_kk"):
        Settings.load(cfg)
    monkeypatch.setenv("ALIGN_MATCH_K", "many")
    with pytest.raises(InputError, match="setting match_k"):
        Settings.load()
