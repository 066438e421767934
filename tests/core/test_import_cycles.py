"""No app has an import cycle at module level: importing any module never needs a module that
is still being imported (a function-level import, run later, is not part of the cycle)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "tenants", "cms", "sop", "inbox", "evaluation")


def _module_level_imports(package: str) -> dict[str, set[str]]:
    """Each module of `package` -> the modules of `package` it imports when it is imported
    (statements at module level, in `if`/`try` blocks too, but not under TYPE_CHECKING);
    importing `a.b.c` imports the packages `a` and `a.b` as well."""
    modules = {}
    for path in (ROOT / package).rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    graph = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        targets = set()
        pending = list(ast.parse(path.read_text(encoding="utf-8")).body)
        while pending:
            node = pending.pop()
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
                continue
            if isinstance(node, ast.If | ast.Try):
                pending.extend(ast.iter_child_nodes(node))
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = name.split(".") if is_package else name.split(".")[:-1]
                if node.level:
                    base = base[: len(base) - node.level + 1]
                    prefix = ".".join([*base, node.module] if node.module else base)
                else:
                    prefix = node.module
                targets.add(prefix)
                targets.update(f"{prefix}.{alias.name}" for alias in node.names)
        deps = set()
        for target in targets:
            parts = target.split(".")
            for end in range(1, len(parts) + 1):
                candidate = ".".join(parts[:end])
                if candidate in modules and candidate != name:
                    deps.add(candidate)
        # A module always finds its own packages imported first: needing one is no cycle.
        graph[name] = {dep for dep in deps if not name.startswith(dep + ".")}
    return graph


def _a_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert _a_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _a_cycle({"a": {"b"}, "b": set()}) is None


def test_the_graph_sees_module_level_imports_only():
    graph = _module_level_imports("cms")
    assert "cms.caching.pages" in graph and "cms.models" in graph["cms.selectors"]
    # inbox's tasks import its services inside the functions, so no edge to them here
    assert not any(
        dep.startswith("inbox.services") for dep in _module_level_imports("inbox")["inbox.tasks"]
    )


@pytest.mark.parametrize("app", APPS)
def test_no_import_cycle_at_module_level(app):
    cycle = _a_cycle(_module_level_imports(app))
    assert cycle is None, " -> ".join(cycle)
