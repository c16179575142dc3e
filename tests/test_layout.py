"""The package's layout: stage folders, imports that only look down, no import circle, a docstring per module."""
import ast
import importlib
from pathlib import Path

import pytest

from ipcompare import cache

PACKAGE = Path(cache.source_file("tables")).parent
# Layers, lowest first; a module may import its own layer or lower ones only.
LAYERS = [
    {"errors", "tables", "codebook", "cache", "workers", "project", "lock", "publish", "stages"},
    {"reading"},
    {"extraction"},
    {"analysis"},
    {"views"},
    {"pipeline", "add", "study", "cli", "demo", "__main__", ""},
]
STAGES = ["reading", "extraction", "analysis", "views"]


def modules() -> list[str]:
    """Every module and package of ipcompare, dotted below it ("" for the package itself)."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def layer(module: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if module.split(".")[0] in names)


def test_every_module_is_in_a_layer_and_the_stages_are_folders():
    assert all(isinstance(layer(m), int) for m in modules())
    assert all((PACKAGE / s / "__init__.py").is_file() for s in STAGES)


def test_relative_imports_name_existing_modules_or_their_attributes():
    """Imports inside functions are checked too (an import error there shows only when the function runs)."""
    for module in modules():
        path = cache.source_file(module) if module else PACKAGE / "__init__.py"
        parts = module.split(".") if module else []
        package = parts if path.name == "__init__.py" else parts[:-1]
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package[: len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
                target = importlib.import_module(".".join(["ipcompare", *base]))
                for alias in node.names:
                    assert hasattr(target, alias.name) or cache.source_file(".".join(base + [alias.name])), \
                        f"{module}: from {'.' * node.level}{node.module or ''} import {alias.name}"


def test_imports_only_look_down():
    upward = [(m, i) for m in modules() if m for i in cache.imports(m) if layer(i) > layer(m)]
    assert upward == []


def test_no_import_circle():
    graph = {m: {i for i in cache.imports(m) if i != m.rsplit(".", 1)[0] and not m.startswith(i + ".")}
             for m in modules() if m}
    done, path = set(), []

    def visit(m):
        if m in path:
            pytest.fail("import circle: " + " -> ".join(path[path.index(m):] + [m]))
        if m in done:
            return
        path.append(m)
        for i in sorted(graph.get(m, ())):
            visit(i)
        path.pop()
        done.add(m)

    for m in graph:
        visit(m)


@pytest.mark.parametrize("module", modules())
def test_every_module_says_what_it_does(module):
    path = cache.source_file(module) if module else PACKAGE / "__init__.py"
    doc = ast.get_docstring(ast.parse(path.read_text("utf-8")))
    assert doc and len(doc.splitlines()[0]) > 20, f"{path}: first docstring line missing"
