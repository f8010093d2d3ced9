"""Imports run one way: each of the project's packages imports only packages of lower layers
(README, "Layers"), so no two packages import each other, and the pure core imports nothing
from Temporal.

An import counts wherever it stands: at the top of a module, inside a function, or under
`if TYPE_CHECKING:`. A type from a higher layer ties the lower one to it as much as a call
does, and a cycle through annotations is still a cycle in the design. Imports within one
package are free (states/policy.py reads states.triggers' types).

The checker reads the source with `ast` and is tested on its own, on import graphs made up
to be wrong.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAMESPACE = "lemniscate"

# Top first. A package may import the packages of the layers below its own, never its own
# layer's others nor anything above.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("cli",),  # the program: the commands, and the composition roots (up, web)
    ("dashboard",),  # pages on the API's app, through api.deps
    ("api", "workers"),  # the HTTP surface; the worker process
    ("audit",),  # reads histories and the refusal log through the service
    ("coalitions",),  # the one path: the service, its gate, the refusal log, bulk activities
    ("workflows",),
    ("activities",),  # side effects, run by the workflows
    ("cluster",),  # reaching or running Temporal; search attribute values of a coalition
    ("language",),  # Dutch and English: catalogs, the language of a request, dates
    ("examples",),  # step lists written in the core's records
    ("states",),
    ("models",),
)
PURE = ("models", "states", "examples")  # import nothing from Temporal


@dataclass(frozen=True)
class Import:
    where: str  # file:line
    importer: str  # the importing package
    imported: str  # the module imported, by its full name


def packages(root: Path = ROOT) -> list[str]:
    """The project's packages: the links in lemniscate/ (each a top-level folder)."""
    return sorted(p.name for p in (root / NAMESPACE).iterdir() if p.is_symlink())


def _module_parts(root: Path, path: Path) -> list[str]:
    parts = [NAMESPACE, *path.relative_to(root).with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imported(node: ast.Import | ast.ImportFrom, module: list[str], is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: from the module's own package, up `level - 1` packages
        package = module if is_package else module[:-1]
        base = package[: len(package) - (node.level - 1)]
    else:
        base = []
    target = [*base, *(node.module.split(".") if node.module else [])]
    if len(target) > 1:
        return [".".join(target)]
    # `from lemniscate import states`: the names are the packages imported.
    return [".".join([*target, alias.name]) for alias in node.names]


def imports_of(root: Path, names: Iterable[str]) -> list[Import]:
    """Every import of a project module in the packages `names` under `root`."""
    found = []
    for package in names:
        for path in sorted((root / package).rglob("*.py")):
            module = _module_parts(root, path)
            tree = ast.parse(path.read_text("utf-8"), str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                for name in _imported(node, module, path.name == "__init__.py"):
                    parts = name.split(".")
                    if parts[0] == NAMESPACE and len(parts) > 1:
                        where = f"{path.relative_to(root)}:{node.lineno}"
                        found.append(Import(where, package, name))
    return found


def _package(name: str) -> str:
    return name.split(".")[1]


def _cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """Each cycle among packages once, as the path that closes it."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()

    def walk(path: list[str]) -> None:
        for nxt in sorted(graph.get(path[-1], ())):
            if nxt == path[0]:
                key = frozenset(path)
                if key not in seen:
                    seen.add(key)
                    found.append([*path, nxt])
            elif nxt not in path and nxt > path[0]:  # each cycle from its smallest name
                walk([*path, nxt])

    for start in sorted(graph):
        walk([start])
    return found


def violations(imports: Iterable[Import], layers: Sequence[tuple[str, ...]] = LAYERS) -> list[str]:
    """What breaks the layering: packages in no layer, imports of a package that is not
    below the importer, and cycles between packages."""
    height = {package: len(layers) - i for i, layer in enumerate(layers) for package in layer}
    problems: list[str] = []
    edges: set[tuple[str, str]] = set()
    for item in imports:
        imported = _package(item.imported)
        if imported == item.importer:
            continue
        for package in (item.importer, imported):
            if package not in height:
                problems.append(f"{item.where}: package {package!r} is in no layer")
        edges.add((item.importer, imported))
        if item.importer in height and imported in height and height[imported] >= height[item.importer]:
            problems.append(
                f"{item.where}: {item.importer} imports {item.imported}, "
                f"and {imported} is not in a layer below {item.importer}"
            )
    problems += [f"cycle between packages: {' -> '.join(cycle)}" for cycle in _cycles(edges)]
    return sorted(set(problems))


# The project -----------------------------------------------------------------------------


def test_every_package_is_in_exactly_one_layer() -> None:
    layered = [package for layer in LAYERS for package in layer]
    assert sorted(layered) == packages()


def test_imports_run_one_way() -> None:
    assert violations(imports_of(ROOT, packages())) == []


def test_the_pure_core_imports_nothing_from_temporal() -> None:
    offending = []
    for package in PURE:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                offending += [
                    f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] == "temporalio"
                ]
    assert offending == []


# The checker, on graphs made up to be wrong -------------------------------------------------


def _graph(*edges: tuple[str, str]) -> list[Import]:
    return [Import(f"{a}/x.py:1", a, f"{NAMESPACE}.{b}.y") for a, b in edges]


def test_an_import_from_a_higher_layer_fails() -> None:
    assert violations(_graph(("api", "coalitions"), ("states", "api"))) == [
        "states/x.py:1: states imports lemniscate.api.y, and api is not in a layer below states"
    ]
    assert violations(_graph(("api", "coalitions"), ("coalitions", "states"))) == []


def test_a_cycle_between_packages_fails_even_within_one_layer() -> None:
    found = violations(_graph(("api", "workers"), ("workers", "api")))
    assert "cycle between packages: api -> workers -> api" in found
    assert any("api imports lemniscate.workers.y" in f for f in found)
    longer = violations(_graph(("cli", "api"), ("api", "audit"), ("audit", "cli")))
    assert "cycle between packages: api -> audit -> cli -> api" in longer


def test_a_package_in_no_layer_fails() -> None:
    assert violations(_graph(("api", "plugins"))) == ["api/x.py:1: package 'plugins' is in no layer"]


def test_imports_count_in_functions_under_type_checking_and_relative(tmp_path: Path) -> None:
    (tmp_path / "states").mkdir()
    (tmp_path / "states" / "__init__.py").write_text("from . import rules\n")
    (tmp_path / "states" / "rules.py").write_text(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "from .. import models\n"
        "if TYPE_CHECKING:\n"
        "    from lemniscate.api.app import Caller\n"
        "def later() -> None:\n"
        "    import lemniscate.dashboard.routes\n"
        "from lemniscate import coalitions\n"
    )
    found = imports_of(tmp_path, ["states"])
    assert {(i.where, _package(i.imported)) for i in found} >= {
        ("states/__init__.py:1", "states"),
        ("states/rules.py:3", "models"),
        ("states/rules.py:5", "api"),
        ("states/rules.py:7", "dashboard"),
        ("states/rules.py:8", "coalitions"),
    }
    wrong = violations(found)
    assert [w.split(":")[1] for w in wrong] == ["5", "7", "8"]
