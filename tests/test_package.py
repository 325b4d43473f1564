"""The package's shape: no import cycles between modules or packages, few layers, every
name the view registry gives resolving, ruff-clean code."""

import ast
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from topics.report.views import VIEWS, View

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "topics"
MAX_LAYERS = 5


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports, anywhere in the file (inside functions
    too; not under `if TYPE_CHECKING:`), plus the figure functions the view registry
    names, which the page job imports by name."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        targets = set()
        for node in ast.walk(tree):
            if _type_checking_only(node, parents):
                continue
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # "from topics.report import pages" imports the submodule pages, not
                # whatever the package's __init__ imports.
                submodules = {f"{node.module}.{a.name}" for a in node.names} & set(modules)
                targets |= submodules or {node.module}
        graph[name] = {t for t in targets if t in modules and t != name}
    for view in VIEWS:
        for target in _names(view):
            graph["topics.report.views"].add(target.partition(":")[0])
    return graph


def layers(graph: dict[str, set[str]]) -> dict[str, int]:
    """1 for a module importing none of the package, else 1 + its deepest import."""
    depth: dict[str, int] = {}

    def visit(module: str, path: tuple[str, ...]) -> int:
        if module in path:
            raise AssertionError("import cycle: " + " -> ".join([*path, module]))
        if module not in depth:
            depth[module] = 1 + max((visit(t, (*path, module)) for t in graph[module]), default=0)
        return depth[module]

    for module in graph:
        visit(module, ())
    return depth


def test_the_package_has_no_import_cycle_and_at_most_five_layers():
    depth = layers(import_graph())
    deepest = max(depth.values())
    assert deepest <= MAX_LAYERS, sorted(depth.items(), key=lambda item: -item[1])[:6]


def test_a_cycle_is_found():
    with pytest.raises(AssertionError, match="import cycle: a -> b -> a"):
        layers({"a": {"b"}, "b": {"a"}})


def package_of(module: str) -> str:
    """The package a module belongs to: topics.plotting for topics.plotting.sweep; a
    module directly under topics (a stage) stands for itself."""
    parent = module.rpartition(".")[0]
    return module if parent == "topics" or module == "topics" else parent


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Package -> the packages its modules import, imports within a package left out."""
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        owner = package_of(module)
        packages.setdefault(owner, set())
        packages[owner] |= {package_of(t) for t in targets} - {owner}
    return packages


def test_packages_depend_one_way():
    """plotting draws figures and imports nothing of report; no two packages (or a package
    and a stage module) import each other, however indirectly."""
    packages = package_graph(import_graph())
    assert "topics.report" not in packages["topics.plotting"]
    layers(packages)


def test_a_loop_between_packages_is_found_where_modules_have_none():
    modules = {"topics.a.x": {"topics.b.y"}, "topics.b.z": {"topics.a.w"},
               "topics.a.w": set(), "topics.b.y": set()}  # fmt: skip
    layers(modules)  # no cycle between the modules
    with pytest.raises(AssertionError, match=r"import cycle: topics\.a -> topics\.b -> topics\.a"):
        layers(package_graph(modules))


def _names(view: View) -> list[str]:
    return [name for name in [view.figure, view.data, *(f for _, f in view.files)] if name]


def test_every_name_the_registry_gives_is_a_function_of_its_module():
    names = [name for view in VIEWS for name in _names(view)]
    assert len(names) >= len(VIEWS)
    for name in names:
        module, _, function = name.partition(":")
        assert callable(getattr(importlib.import_module(module), function, None)), name


RUFF = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff_finds_nothing(command):
    if not Path(RUFF).exists():
        pytest.fail("ruff is not installed: pip install -e '.[test]'")
    done = subprocess.run(
        [RUFF, *command, "src", "tests", "workflow", "benchmarks"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
