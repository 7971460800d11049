"""The shape of the package, checked: small modules, no import cycles, layers that point one way,
one place that builds events, no benchmarks in the runtime package."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "align"
MAX_LINES = 500


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of align that ``name`` imports (at any depth in the file)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def test_no_module_is_over_500_lines() -> None:
    long = {name: n for name, path in _modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_no_import_cycle() -> None:
    graph = _graph()
    # A package's __init__ re-exporting its own modules is not a cycle of concepts.
    edges = {m: {d for d in deps if not m.startswith(d + ".") and not d.startswith(m + ".")}
             for m, deps in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(edges.get(m, ())):
            if state.get(d) == 1:
                cycles.append([*stack[stack.index(d):], d])
            elif d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    assert cycles == []


def test_batch_and_the_core_never_import_the_http_layer() -> None:
    graph = _graph()
    for name, deps in graph.items():
        if name.startswith("align.api") or name == "align.cli":
            continue
        assert not {d for d in deps if d.startswith("align.api")}, name
    for name, path in _modules().items():
        if name.startswith(("align.batch", "align.events", "align.storage", "align.vectors", "align.text")):
            assert "fastapi" not in path.read_text(encoding="utf-8"), name


def _builds_an_event(node: ast.AST) -> bool:
    """A dict literal with an event's own keys: what `align match` writes per line."""
    if not isinstance(node, ast.Dict):
        return False
    keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
    return {"event_id", "members", "outlets", "time"} <= keys


def test_events_are_built_in_exactly_one_function() -> None:
    builders = []
    for name, path in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef) and any(_builds_an_event(n) for n in ast.walk(fn)):
                builders.append(f"{name}.{fn.name}")
    assert builders == ["align.events.build.event_json"]
    callers = {name for name, path in _modules().items()
               if "event_json(" in path.read_text(encoding="utf-8") or "cluster.components(" in path.read_text(
                   encoding="utf-8")}
    assert callers == {"align.events.build"}


def test_no_benchmark_or_test_helper_ships_in_the_package() -> None:
    names = set(_modules())
    assert not [n for n in names if "bench" in n or "toymodel" in n or n.endswith(".process")]
    for name, path in _modules().items():
        assert "tests.support" not in path.read_text(encoding="utf-8"), name
