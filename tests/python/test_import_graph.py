"""The relscore package imports in layers: no module imports (directly or through others)
one that imports it back, even lazily inside a function (a cycle hides the real layering:
python -m relscore.evaluate used to execute its module twice). The graph is read from the
sources with ast, every import statement at any depth, and every module is imported too."""

import ast
import importlib
import importlib.util
import os
import pkgutil

import relscore

PACKAGE_DIR = os.path.dirname(relscore.__file__)


def modules():
    """name -> source path of every module of the installed package (None: compiled)."""
    found = {"relscore": os.path.join(PACKAGE_DIR, "__init__.py")}
    for info in pkgutil.walk_packages([PACKAGE_DIR], "relscore."):
        spec = importlib.util.find_spec(info.name)
        origin = spec.origin if spec else None
        found[info.name] = origin if origin and origin.endswith(".py") else None
    return found


def imported(name, path, known):
    """The relscore modules that module `name` (file `path`) imports anywhere in its body."""
    package = name if path.endswith("__init__.py") else name.rpartition(".")[0]
    out = set()

    def add(target):
        # `from a import b` is module a.b when that is a module, otherwise a name in a.
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            out.add(target)

    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("relscore"):
                    add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            if not base.startswith("relscore"):
                continue
            for alias in node.names:
                add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return out


def find_cycle(graph):
    state = {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt, stack)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node, [])
            if cycle:
                return cycle
    return None


def import_graph():
    known = modules()
    return {name: imported(name, path, known) for name, path in known.items() if path}


def test_every_module_imports():
    for name in modules():
        if name.endswith("__main__"):
            continue  # runs the command line when imported
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as e:
            if (e.name or "").startswith("relscore"):
                raise
            # an optional dependency (dask, matplotlib) that this environment lacks


def test_the_import_graph_has_no_cycle():
    graph = import_graph()
    # the walk found the modules, compiled ones too
    assert {"relscore.evaluate.cli", "relscore._scorer", "relscore._core", "relscore._eval"} <= set(modules())
    cycle = find_cycle(graph)
    assert cycle is None, " -> ".join(cycle)


def test_the_cycle_finder_finds_lazy_imports(tmp_path):
    # The check itself: an import inside a function counts.
    a = tmp_path / "a.py"
    a.write_text("def f():\n    from relscore import b\n")
    known = {"relscore", "relscore.a", "relscore.b"}
    assert imported("relscore.a", str(a), known) == {"relscore.b"}
    assert find_cycle({"relscore.a": {"relscore.b"}, "relscore.b": {"relscore.a"}}) is not None


def test_the_product_does_not_import_the_evaluation():
    graph = import_graph()
    reach, todo = set(), ["relscore"]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in reach:
                reach.add(nxt)
                todo.append(nxt)
    assert not any(name.startswith("relscore.evaluate") for name in reach), sorted(reach)
    assert not hasattr(relscore._core, "LinkModel")  # the link predictors are in relscore._eval
