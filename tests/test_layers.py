"""The package's layers point one way (issue 11, item 1), read from the source, not imported.

Layers, lowest first; a module may import from its own layer or any layer below, never above:

- base: ``aiadopt/files.py`` (the one atomic writer, provenance, the package version),
  ``aiadopt/workers.py`` (the one process pool, with its fork server's preload
  ``aiadopt/_forkserver.py``) and ``aiadopt/progress.py`` (progress lines);
- model: ``aiadopt/model/**``;
- calibration: ``aiadopt/calibration/**``;
- experiments: ``aiadopt/experiments/**`` (scenario runs, single runs, sensitivity);
- views: ``aiadopt/views/**`` (figures, report, dashboard, folder loading);
- cli: ``aiadopt/cli/**`` and ``aiadopt/__main__.py``;
- facade: ``aiadopt/__init__.py``, which offers the public names (``aiadopt.Params``,
  ``aiadopt.AdoptionModel`` ...) lazily, for users.  It sits above everything: no module of the
  package imports the package itself (the version comes from ``aiadopt.files``), so importing
  any submodule never depends on the facade.

Every ``.py`` file under ``aiadopt/`` is parsed with ``ast`` and each import of an aiadopt
module is resolved to the module it names (absolute or relative; ``from . import x`` names the
submodule ``x`` when there is one, else the package).  The tests fail on:

(a) an import from a layer above the importer's;
(b) an import cycle between modules (a circle works only by the order of execution, and the
    lazy imports that keep one alive hide it);
(c) an aiadopt import inside a function body outside the cli: there such an import only
    dodges a cycle.  The cli may import the layers it dispatches to lazily, for a fast
    ``--help``; third-party imports inside functions are fine anywhere;
(d) a module that belongs to no layer (a new top-level module forces a decision), or an
    import of an aiadopt module that does not exist.

Imports under ``if TYPE_CHECKING:`` do not count; ``importlib.import_module`` with a literal
name counts as an import (``"aiadopt.x"``, or ``".x"`` relative to ``__name__``, ``__package__``
or a literal package); a name computed at run time cannot be checked.  Failure messages name
the file, line and import.  The checker is tested on small synthetic packages below, so each
check provably can fail.
"""

from __future__ import annotations

import ast
import itertools
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "aiadopt"

LAYERS = ("base", "model", "calibration", "experiments", "views", "cli", "facade")
"""The layers, lowest first."""

SINGLE_MODULES = {
    PACKAGE: "facade",
    f"{PACKAGE}.files": "base",
    f"{PACKAGE}.workers": "base",
    f"{PACKAGE}._forkserver": "base",
    f"{PACKAGE}.progress": "base",
    f"{PACKAGE}.__main__": "cli",
}
"""Modules outside the layer packages and the layer each belongs to."""

LAYER_PACKAGES = ("model", "calibration", "experiments", "views", "cli")
"""Subpackages that are layers of their own name (everything in them belongs to it)."""

LAZY_IMPORT_LAYERS = ("cli", "facade")
"""Layers whose functions may import aiadopt modules (for start-up speed: the cli imports the
command it runs, the facade the names a user asks for)."""


@dataclass(frozen=True)
class Import:
    """One import of an aiadopt module, resolved to the module it names."""

    source: str  # the importing module
    target: str  # the imported module (may not exist: see `unresolved`)
    path: str  # the importing file, relative to the checked root
    line: int
    text: str  # the statement as written
    function: str | None  # the enclosing function (qualified name), None at module level

    def where(self) -> str:
        return f"{self.path}:{self.line}: `{self.text}`"


@dataclass(frozen=True)
class Package:
    """The modules of a package (name -> file, relative to the root) and their imports."""

    modules: dict[str, str]
    imports: tuple[Import, ...]

    def internal(self) -> list[Import]:
        """Imports whose target module exists."""
        return [imp for imp in self.imports if imp.target in self.modules]


# --- reading the source -------------------------------------------------------------------------


def module_name(relative: Path) -> tuple[str, bool]:
    """Dotted module name of a file path relative to the root, and whether it is a package."""
    parts = relative.with_suffix("").parts
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute module named by ``from <level dots><name> import ...`` inside ``module``."""
    if level == 0:
        return name or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    if level - 1 >= len(parts):
        raise ValueError(f"relative import beyond the top-level package in {module}")
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _is_type_checking(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` or ``if typing.TYPE_CHECKING:``."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _in_package(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


class _ImportCollector(ast.NodeVisitor):
    """Collects the aiadopt imports of one module, noting the enclosing function."""

    def __init__(self, module: str, is_package: bool, path: str, package: str,
                 modules: Iterable[str]) -> None:  # fmt: skip
        self.module, self.is_package, self.path = module, is_package, path
        self.package = package
        self.modules = set(modules)
        self.scope: list[str] = []  # enclosing classes and functions
        self.functions = 0  # how many of them are functions
        self.found: list[Import] = []

    # scopes
    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        self.scope.append(getattr(node, "name", "<lambda>"))
        self.functions += 1
        self.generic_visit(node)
        self.functions -= 1
        self.scope.pop()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function
    visit_Lambda = _visit_function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):  # only the else branch runs
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    # imports
    def _add(self, node: ast.stmt | ast.expr, target: str) -> None:
        function = ".".join(self.scope) if self.functions else None
        self.found.append(
            Import(self.module, target, self.path, node.lineno, ast.unparse(node), function)
        )

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if _in_package(alias.name, self.package):
                self._add(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = resolve_relative(self.module, self.is_package, node.level, node.module)
        if not _in_package(base, self.package):
            return
        targets = []
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            targets.append(submodule if submodule in self.modules else base)
        for target in dict.fromkeys(targets):  # one record per module, in order
            self._add(node, target)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in ("import_module", "__import__") and node.args:
            target = self._dynamic_target(node)
            if target is not None and _in_package(target, self.package):
                self._add(node, target)
        self.generic_visit(node)

    def _dynamic_target(self, node: ast.Call) -> str | None:
        """The module of ``import_module(name, package)`` when the source spells it: a literal
        name, absolute or relative to ``__name__``, ``__package__`` or a literal package (as
        importlib resolves it); None for a name computed at run time."""
        name = _literal(node.args[0])
        level = len(name) - len(name.lstrip(".")) if name else 0
        if not name or not level:
            return name
        anchor_node = (
            node.args[1]
            if len(node.args) > 1
            else next((k.value for k in node.keywords if k.arg == "package"), None)
        )
        anchor = _literal(anchor_node)
        if isinstance(anchor_node, ast.Name) and anchor_node.id == "__name__":
            anchor = self.module
        elif isinstance(anchor_node, ast.Name) and anchor_node.id == "__package__":
            anchor = resolve_relative(self.module, self.is_package, 1, None)
        if anchor is None:
            return None
        return resolve_relative(anchor, True, level, name[level:] or None)


def _literal(node: ast.expr | None) -> str | None:
    """The value of a string literal, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def scan(root: Path, package: str = PACKAGE) -> Package:
    """Parse every module of ``package`` under ``root`` and resolve its aiadopt imports."""
    files = sorted((root / package).rglob("*.py"))
    named = {module_name(f.relative_to(root)): f for f in files}
    modules = {name: str(f.relative_to(root)) for (name, _), f in named.items()}
    imports: list[Import] = []
    for (name, is_package), path in named.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        collector = _ImportCollector(name, is_package, modules[name], package, modules)
        collector.visit(tree)
        imports.extend(collector.found)
    return Package(modules, tuple(imports))


# --- the checks ---------------------------------------------------------------------------------


def layer_of(module: str, package: str = PACKAGE) -> str | None:
    """The layer of a module, or None if it belongs to none."""
    single = {k.replace(PACKAGE, package, 1): v for k, v in SINGLE_MODULES.items()}
    if module in single:
        return single[module]
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == package and parts[1] in LAYER_PACKAGES:
        return parts[1]
    return None


def unlayered(pkg: Package, package: str = PACKAGE) -> list[str]:
    """Modules that belong to no layer."""
    return [
        f"{path}: module {name} belongs to no layer ({', '.join(LAYERS)})"
        for name, path in sorted(pkg.modules.items())
        if layer_of(name, package) is None
    ]


def unresolved(pkg: Package) -> list[str]:
    """Imports of aiadopt modules that do not exist."""
    return [
        f"{imp.where()} imports {imp.target}, which is not a module of the package"
        for imp in pkg.imports
        if imp.target not in pkg.modules
    ]


def upward(pkg: Package, package: str = PACKAGE) -> list[str]:
    """Imports from a layer above the importer's."""
    found = []
    for imp in pkg.internal():
        low, high = layer_of(imp.source, package), layer_of(imp.target, package)
        if low is None or high is None:
            continue  # reported by `unlayered`
        if LAYERS.index(high) > LAYERS.index(low):
            found.append(f"{imp.where()}: {low} module {imp.source} imports {high} {imp.target}")
    return found


def in_functions(pkg: Package, package: str = PACKAGE) -> list[str]:
    """aiadopt imports inside a function body outside the layers allowed lazy imports."""
    return [
        f"{imp.where()} inside function {imp.function}(): outside the cli, import aiadopt "
        "modules at the top of the module (an import inside a function hides a cycle)"
        for imp in pkg.internal()
        if imp.function is not None and layer_of(imp.source, package) not in LAZY_IMPORT_LAYERS
    ]


def _components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of a directed graph (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def _shortest_cycle(start: str, graph: dict[str, set[str]], members: set[str]) -> list[str]:
    """The shortest path start -> ... -> start inside ``members`` (breadth first)."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph[node] & members):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    raise AssertionError(f"{start} is on no cycle")  # pragma: no cover - callers ensure it


def cycles(pkg: Package) -> list[str]:
    """Import cycles between modules: each group of modules that import each other in a
    circle, with its shortest circle through its first module, edge by edge."""
    graph: dict[str, set[str]] = {name: set() for name in pkg.modules}
    first: dict[tuple[str, str], Import] = {}
    for imp in pkg.internal():
        if imp.source != imp.target:
            graph[imp.source].add(imp.target)
            first.setdefault((imp.source, imp.target), imp)
    found = []
    for component in _components(graph):
        if len(component) < 2:
            continue
        path = _shortest_cycle(component[0], graph, set(component))
        edges = "\n".join(f"    {first[a, b].where()}" for a, b in itertools.pairwise(path))
        found.append(
            f"import cycle among {len(component)} modules ({', '.join(component)}), "
            f"e.g. {' -> '.join(path)}:\n{edges}"
        )
    return found


def _fail_on(problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n" + "\n".join(problems), pytrace=False)


# --- the package --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def package() -> Package:
    return scan(ROOT)


def test_the_package_is_found(package: Package) -> None:
    assert f"{PACKAGE}.model" in package.modules
    assert package.imports, "no aiadopt import found: the scan is broken"


def test_every_module_belongs_to_a_layer(package: Package) -> None:
    _fail_on(unlayered(package), "module(s) outside the layers")


def test_every_aiadopt_import_names_an_existing_module(package: Package) -> None:
    _fail_on(unresolved(package), "import(s) of missing modules")


def test_no_import_from_a_layer_above(package: Package) -> None:
    _fail_on(upward(package), "upward import(s)")


def test_no_import_cycle(package: Package) -> None:
    _fail_on(cycles(package), "import cycle(s)")


def test_no_aiadopt_import_inside_a_function_outside_the_cli(package: Package) -> None:
    _fail_on(in_functions(package), "aiadopt import(s) inside functions")


# --- the checker on synthetic packages ----------------------------------------------------------


def write_package(root: Path, files: dict[str, str]) -> Package:
    """Write ``files`` (path -> source) under ``root`` (every folder a package) and scan."""
    for rel, source in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
        for folder in path.relative_to(root).parents:
            if str(folder) != ".":
                (root / folder / "__init__.py").touch()
    return scan(root)


def test_checker_module_names_and_relative_imports() -> None:
    assert module_name(Path("aiadopt/model/__init__.py")) == ("aiadopt.model", True)
    assert module_name(Path("aiadopt/model/rules/month.py")) == ("aiadopt.model.rules.month", False)
    assert resolve_relative("aiadopt.model.model", False, 1, "params") == "aiadopt.model.params"
    assert resolve_relative("aiadopt.model", True, 1, "params") == "aiadopt.model.params"
    assert resolve_relative("aiadopt.model.rules.month", False, 2, None) == "aiadopt.model"
    assert resolve_relative("aiadopt.views.fig", False, 2, "model") == "aiadopt.model"
    with pytest.raises(ValueError, match="beyond the top-level"):
        resolve_relative("aiadopt.files", False, 2, None)


def test_checker_layers() -> None:
    assert layer_of("aiadopt") == "facade"
    assert layer_of("aiadopt.files") == "base"
    assert layer_of("aiadopt.__main__") == "cli"
    assert layer_of("aiadopt.cli") == "cli"
    assert layer_of("aiadopt.model.rules.month") == "model"
    assert layer_of("aiadopt.views") == "views"
    assert layer_of("aiadopt.plotting") is None
    assert layer_of("aiadopt.modelling") is None


def test_checker_accepts_a_clean_package(tmp_path: Path) -> None:
    pkg = write_package(tmp_path, {
        "aiadopt/__init__.py": '"""Base."""\n__version__ = "0"\n',
        "aiadopt/files.py": "import os\n",
        "aiadopt/model/params.py": "from aiadopt import files\n",
        "aiadopt/model/model.py": "from . import params\nfrom .params import X\n",
        "aiadopt/calibration/fit.py": "from ..model import model\nimport aiadopt.model.params\n",
        "aiadopt/views/fig.py": "from aiadopt.calibration.fit import f\n"
                                "def g():\n    import matplotlib\n",
        "aiadopt/cli/main.py": "def run():\n    from aiadopt.views import fig\n",
        "aiadopt/model/agents.py": "from typing import TYPE_CHECKING\n"
                                   "if TYPE_CHECKING:\n    from aiadopt.views import fig\n",
    })  # fmt: skip
    assert len(pkg.internal()) == 7
    assert unlayered(pkg) == unresolved(pkg) == upward(pkg) == cycles(pkg) == []
    assert in_functions(pkg) == []


def test_checker_finds_upward_imports(tmp_path: Path) -> None:
    pkg = write_package(tmp_path, {
        "aiadopt/views/fig.py": "",
        "aiadopt/experiments/run.py": "",
        "aiadopt/model/a.py": "import numpy\n\nfrom aiadopt.views import fig\n",
        "aiadopt/model/b.py": "from ..experiments.run import go\n",
        "aiadopt/model/c.py": "from .. import views\n",
        "aiadopt/files.py": "import aiadopt.model.a as a\n",
    })  # fmt: skip
    found = upward(pkg)
    assert found == [
        "aiadopt/files.py:1: `import aiadopt.model.a as a`: base module aiadopt.files imports "
        "model aiadopt.model.a",
        "aiadopt/model/a.py:3: `from aiadopt.views import fig`: model module aiadopt.model.a "
        "imports views aiadopt.views.fig",
        "aiadopt/model/b.py:1: `from ..experiments.run import go`: model module aiadopt.model.b "
        "imports experiments aiadopt.experiments.run",
        "aiadopt/model/c.py:1: `from .. import views`: model module aiadopt.model.c imports "
        "views aiadopt.views",
    ]


def test_checker_finds_cycles(tmp_path: Path) -> None:
    pkg = write_package(tmp_path, {
        "aiadopt/experiments/a.py": "from . import b\n",
        "aiadopt/experiments/b.py": "X = 1\n\ndef f():\n    from .a import Y\n",
        "aiadopt/views/x.py": "from aiadopt.views import y\n",
        "aiadopt/views/y.py": "from aiadopt.views.z import Z\n",
        "aiadopt/views/z.py": "import aiadopt.views.x\n",
        "aiadopt/views/w.py": "from . import x\n",  # imports the circle, is not on it
    })  # fmt: skip
    found = cycles(pkg)
    assert len(found) == 2
    assert found[0].startswith(
        "import cycle among 2 modules (aiadopt.experiments.a, aiadopt.experiments.b), "
        "e.g. aiadopt.experiments.a -> aiadopt.experiments.b -> aiadopt.experiments.a:"
    )
    assert "aiadopt/experiments/b.py:4: `from .a import Y`" in found[0]
    circle = "aiadopt.views.x -> aiadopt.views.y -> aiadopt.views.z -> aiadopt.views.x"
    assert f"e.g. {circle}:" in found[1]
    assert "aiadopt.views.w" not in found[1]
    assert "aiadopt/views/z.py:1: `import aiadopt.views.x`" in found[1]


def test_checker_finds_a_package_that_imports_its_importer(tmp_path: Path) -> None:
    """``aiadopt.model`` re-exports ``model.model``, which reads a name from the package."""
    pkg = write_package(tmp_path, {
        "aiadopt/model/__init__.py": "from .model import Model\nN = 3\n",
        "aiadopt/model/model.py": "from aiadopt.model import N\n",
    })  # fmt: skip
    assert len(cycles(pkg)) == 1
    assert "aiadopt.model -> aiadopt.model.model -> aiadopt.model" in cycles(pkg)[0]


def test_checker_finds_imports_inside_functions(tmp_path: Path) -> None:
    pkg = write_package(tmp_path, {
        "aiadopt/model/a.py": "",
        "aiadopt/calibration/fit.py": (
            "import typing\n"
            "class Fit:\n"
            "    def run(self):\n"
            "        import scipy\n"
            "        from aiadopt.model import a\n"
            "    if typing.TYPE_CHECKING:\n"
            "        from aiadopt.model import a\n"
            "    else:\n"
            "        import aiadopt.model.a\n"
            "def load():\n"
            "    return importlib.import_module('aiadopt.model.a')\n"
        ),
        "aiadopt/cli/main.py": "def main():\n    from aiadopt.calibration import fit\n",
        "aiadopt/__main__.py": "def main():\n    import aiadopt.cli.main\n",
    })  # fmt: skip
    assert in_functions(pkg) == [
        "aiadopt/calibration/fit.py:5: `from aiadopt.model import a` inside function Fit.run(): "
        "outside the cli, import aiadopt modules at the top of the module (an import inside a "
        "function hides a cycle)",
        "aiadopt/calibration/fit.py:11: `importlib.import_module('aiadopt.model.a')` inside "
        "function load(): outside the cli, import aiadopt modules at the top of the module (an "
        "import inside a function hides a cycle)",
    ]
    # the else branch of TYPE_CHECKING runs: it is a module-level import
    assert [i.line for i in pkg.imports if i.source == "aiadopt.calibration.fit"] == [5, 9, 11]


def test_checker_finds_unlayered_modules_and_missing_targets(tmp_path: Path) -> None:
    pkg = write_package(tmp_path, {
        "aiadopt/plotting.py": "from aiadopt.model.gone import x\n",
        "aiadopt/model/a.py": "",
    })  # fmt: skip
    assert unlayered(pkg) == [
        "aiadopt/plotting.py: module aiadopt.plotting belongs to no layer "
        "(base, model, calibration, experiments, views, cli, facade)"
    ]
    assert unresolved(pkg) == [
        "aiadopt/plotting.py:1: `from aiadopt.model.gone import x` imports aiadopt.model.gone, "
        "which is not a module of the package"
    ]


def test_checker_reads_import_module_calls(tmp_path: Path) -> None:
    """A lazy re-export through PEP 562 ``__getattr__`` is an import like any other: allowed in
    the facade (the top layer), an upward or in-function import anywhere else."""
    pkg = write_package(tmp_path, {
        "aiadopt/__init__.py": (
            "from importlib import import_module\n"
            "def __getattr__(name):\n"
            "    return getattr(import_module('.model', __name__), name)\n"
        ),
        "aiadopt/model/__init__.py": "",
        "aiadopt/model/a.py": "import importlib\nB = importlib.import_module('.b', __package__)\n",
        "aiadopt/model/b.py": (
            "import importlib\nV = importlib.import_module('..views', 'aiadopt.x')\n"
        ),
        "aiadopt/calibration/c.py": (
            "from importlib import import_module\n"
            "def later():\n"
            "    return import_module('aiadopt.model.a')\n"
        ),
        "aiadopt/views/__init__.py": "import importlib\nM = importlib.import_module(NAME)\n",
    })  # fmt: skip
    assert [(i.source, i.target) for i in pkg.imports] == [
        ("aiadopt", "aiadopt.model"),
        ("aiadopt.calibration.c", "aiadopt.model.a"),
        ("aiadopt.model.a", "aiadopt.model.b"),
        ("aiadopt.model.b", "aiadopt.views"),
    ]
    assert upward(pkg) == [
        "aiadopt/model/b.py:2: `importlib.import_module('..views', 'aiadopt.x')`: model module "
        "aiadopt.model.b imports views aiadopt.views",
    ]
    found = in_functions(pkg)
    assert len(found) == 1 and "inside function later()" in found[0]


def test_nothing_imports_the_facade(tmp_path: Path) -> None:
    """A module that imports the package itself (``from .. import __version__``) imports the
    facade, the top layer: upward."""
    pkg = write_package(tmp_path, {
        "aiadopt/__init__.py": "",
        "aiadopt/model/__init__.py": "",
        "aiadopt/model/a.py": "from .. import __version__\n",
    })  # fmt: skip
    assert upward(pkg) == [
        "aiadopt/model/a.py:1: `from .. import __version__`: model module aiadopt.model.a "
        "imports facade aiadopt"
    ]
