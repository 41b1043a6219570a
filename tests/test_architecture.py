"""The package layout promised in docs/architecture.md: imports run one way, all at module top.

No exception is needed today: every import in quizapp/ is at module level and none runs upward.

The test reads the source with `ast` (nothing is imported), so it sees every `import` statement
in `quizapp/`, including ones a test run would never execute.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "quizapp"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    # Alembic runs the migration scripts itself; nothing imports them.
    return {
        _module_name(path): path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.relative_to(PACKAGE).parts
    }


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a `from … import` names, resolving relative levels."""
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(module: str, path: Path, node: ast.AST, known: set[str]) -> set[str]:
    """The quizapp modules one import statement loads (a submodule if it names one)."""
    found: set[str] = set()
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name in known:
                found.add(alias.name)
    elif isinstance(node, ast.ImportFrom):
        source = _absolute(module, path.name == "__init__.py", node)
        for alias in node.names:
            if f"{source}.{alias.name}" in known:
                found.add(f"{source}.{alias.name}")
            elif source in known:
                found.add(source)
    return found


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    """(module → quizapp modules it imports, imports written inside a function body)."""
    modules = _modules()
    known = set(modules)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    local: list[str] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        functions = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        inside = {id(n) for f in functions for n in ast.walk(f) if n is not f}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            if id(node) in inside:
                local.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
            graph[name] |= _targets(name, path, node, known) - {name}
    return graph, local


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_no_import_cycle_between_modules():
    graph, _ = _graph()
    assert _cycles(graph) == []


def test_no_import_inside_a_function():
    _, local = _graph()
    assert local == []


# docs/architecture.md, "Packages": top to bottom. A module may import its own layer or lower.
LAYERS = [
    ["quizapp.__main__"],
    ["quizapp"],
    [
        "quizapp.web",
        "quizapp.cli",
        "quizapp.database",
        "quizapp.security",
        "quizapp.i18n",
        "quizapp.logging",
    ],
    ["quizapp.services.demo"],
    ["quizapp.services.contests"],
    ["quizapp.services.quizzes"],
    ["quizapp.services.attempts"],
    ["quizapp.services.roster"],
    ["quizapp.services.reports"],
    [
        "quizapp.services.banks",
        "quizapp.services.accounts",
        "quizapp.services.org",
        "quizapp.services.grants",
        "quizapp.services.audit",
        "quizapp.services.uploads",
        "quizapp.services.backup",
        "quizapp.services.exports",
        "quizapp.services",
    ],
    ["quizapp.policy"],
    ["quizapp.models"],
    [
        "quizapp.extensions",
        "quizapp.config",
        "quizapp.clock",
        "quizapp.text",
        "quizapp.db_upsert",
        "quizapp.markup",
        "quizapp.formatting",
        "quizapp.numbers",
    ],
]


def _layer(module: str) -> int | None:
    """Index in LAYERS of the longest prefix naming the module's package, None when unplaced."""
    best, found = -1, None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), index
    return found


def test_every_module_has_a_place_in_the_layers():
    graph, _ = _graph()
    assert [m for m in sorted(graph) if _layer(m) is None] == []


def _upward(graph: dict[str, set[str]]) -> list[str]:
    """Imports from a module to one in a higher layer."""
    return sorted(
        f"{module} → {target}"
        for module, targets in graph.items()
        for target in targets
        if (_layer(target) or 0) < (_layer(module) or 0)
    )


def test_imports_run_only_downward():
    graph, _ = _graph()
    assert _upward(graph) == []


def test_the_checker_sees_a_cycle_and_a_local_import(tmp_path, monkeypatch):
    """The checks above would fail on the faults they look for (guards against a blind parser)."""
    package = tmp_path / "quizapp"
    (package / "services").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "services" / "__init__.py").write_text("")
    (package / "services" / "a.py").write_text("from quizapp.services import b\n")
    (package / "services" / "b.py").write_text(
        "from .a import x\n\ndef f():\n    from quizapp.services import a\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", package)
    graph, local = _graph()
    assert _cycles(graph) == [["quizapp.services.a", "quizapp.services.b"]]
    assert local == ["quizapp/services/b.py:4"]
    assert _upward(
        {
            "quizapp.services.reports.units": {"quizapp.services.attempts.lifecycle"},
            "quizapp.services.attempts.lifecycle": {"quizapp.services.reports.units"},
        }
    ) == ["quizapp.services.reports.units → quizapp.services.attempts.lifecycle"]
