"""The layout is the architecture: imports go one way, and the core needs no engine.

    helpers (_internal) <- data, metrics <- core <- engine <- training <- cli, tools, demos

Every import of the package -- at module level or inside a function -- is read from the source
and checked against that direction; the only imports against it are the facade lines listed
here, and the modules kept as re-exports of documented paths, which nothing inside the layers
may import.
"""

import ast
import pathlib
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "learninspy"

#: Rank of each layer: a module may import its own layer and those of lower rank.
LAYERS = {"learninspy._internal": 0, "learninspy.data": 1, "learninspy.metrics": 1,
          "learninspy.core": 2, "learninspy.engine": 3, "learninspy.training": 4,
          "learninspy.cli": 5, "learninspy.tools": 5, "learninspy.demos": 5}

#: The user-facing facades of core that call upward, each from one documented place.
FACADES = {("learninspy.core.facades", "learninspy.training.fit"),
           ("learninspy.core.facades", "learninspy.engine.spark.inference"),
           ("learninspy.core.facades", "learninspy.engine.files")}

#: Documented module paths kept as re-exports; they may import any layer, and only the top
#: layer (the command line, the tools, the tutorials) may import them, as users do.
RE_EXPORTS = {"learninspy", "learninspy.__main__", "learninspy.layers", "learninspy.context",
              "learninspy.ml",
              "learninspy.core.training", "learninspy.core.search"}


def _module_files():
    files = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(parts)] = path
    for path in (ROOT / "examples").glob("*.py"):  # installed as learninspy.demos
        stem = path.stem
        files["learninspy.demos" + ("" if stem == "__init__" else f".{stem}")] = path
    return files


MODULES = _module_files()


def _is_re_export(module):
    return module in RE_EXPORTS or module.startswith("learninspy.utils")


def _top_level(tree):
    """The statements that run when the module is imported (not those in functions)."""
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield from ast.walk(node)


def _imports(module, path, everywhere=True, package_prefix="learninspy"):
    """The modules of ``package_prefix`` that ``module`` imports: anywhere in its source, or
    only when it is imported."""
    found = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree) if everywhere else _top_level(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                     for alias in node.names]
        else:
            continue
        found.update(name for name in names if name.split(".")[0] == package_prefix)
    return found - {module}


GRAPH = {module: {name for name in _imports(module, path) if name in MODULES}
         for module, path in MODULES.items()}


def _layer(module):
    return max((prefix for prefix in LAYERS if module == prefix or
                module.startswith(prefix + ".")), key=len, default=None)


def test_every_module_belongs_to_a_layer_or_is_a_re_export():
    assert [m for m in MODULES if _layer(m) is None and not _is_re_export(m)] == []


def test_imports_go_one_way():
    wrong = []
    for module, imported in GRAPH.items():
        if _is_re_export(module):
            continue
        here = _layer(module)
        for name in imported:
            if _is_re_export(name):
                if LAYERS[here] < 5:
                    wrong.append(f"{module} imports the re-export {name}")
                continue
            there = _layer(name)
            if here == there or (module, name) in FACADES:
                continue
            if LAYERS[there] >= LAYERS[here] and LAYERS[here] < 5:
                wrong.append(f"{module} ({here}) imports {name} ({there})")
    assert wrong == []


def test_the_facades_are_the_only_upward_lines_and_all_exist():
    assert all(name in GRAPH[module] for module, name in FACADES)


def test_there_are_no_import_cycles():
    """Tarjan's strongly connected components over every import."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(GRAPH[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(GRAPH)))
    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    assert cycles == []


def _needs_pyspark():
    """The modules that import pyspark when they are imported, directly or through others."""
    needs = {m for m, path in MODULES.items() if _imports(m, path, False, "pyspark")}
    on_import = {m: _imports(m, path, False) & set(MODULES) for m, path in MODULES.items()}
    while True:
        more = {m for m, imported in on_import.items() if imported & needs} - needs
        if not more:
            return needs
        needs |= more


_NEEDS_PYSPARK = sorted(_needs_pyspark())
_WITHOUT_PYSPARK = sorted(m for m in MODULES if m not in _NEEDS_PYSPARK
                          and m != "learninspy.__main__")
_FRESH = ("import sys; sys.modules['pyspark'] = None; import importlib; "
          "importlib.import_module({module!r}); "
          "print(sorted(m for m in sys.modules if m.startswith('learninspy.engine')))")


def _import_each_in_a_fresh_interpreter(modules):
    """module -> (exit code, standard output, standard error) of importing it alone, with
    pyspark made unimportable; four interpreters at a time."""
    def run(module):
        result = subprocess.run([sys.executable, "-c", _FRESH.format(module=module)],
                                capture_output=True, text=True, cwd=ROOT)
        return module, (result.returncode, result.stdout.strip(), result.stderr)

    with ThreadPoolExecutor(4) as pool:
        return dict(pool.map(run, modules))


def test_every_module_imports_in_a_fresh_interpreter_without_pyspark():
    """... and the layers below the engines import no engine."""
    results = _import_each_in_a_fresh_interpreter(
        [m for m in MODULES if m not in _NEEDS_PYSPARK and m != "learninspy.__main__"])
    failed = {m: err.splitlines()[-1] for m, (code, _, err) in results.items() if code}
    assert failed == {}
    below = {m: out for m, (_, out, _) in results.items() if not _is_re_export(m)
             and LAYERS[_layer(m)] <= LAYERS["learninspy.core"] and out != "[]"}
    assert below == {}


def test_spark_modules_say_how_to_install_pyspark():
    assert all(m.startswith("learninspy.engine.spark") or _is_re_export(m)
               for m in _NEEDS_PYSPARK)
    results = _import_each_in_a_fresh_interpreter(_NEEDS_PYSPARK)
    assert all(code == 1 and "pip install 'learninspy[spark]'" in err
               for code, _, err in results.values())


def test_the_package_list_names_every_package():
    import tomllib
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    packages = {m for m, path in MODULES.items() if path.name == "__init__.py"}
    assert listed == packages | {"learninspy.datasets"}
