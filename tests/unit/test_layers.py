"""The layers' dependencies point inward, read from the code itself: every module of every
layer is parsed and each of its imports checked -- at the top, inside functions, under
``TYPE_CHECKING``, and ``importlib.import_module("...")`` with a literal name.

- ``domain/`` imports no other layer;
- ``application/`` imports nothing of ``projections/``, ``documents/``, ``api/``, ``scheduler/``;
- ``projections/`` imports nothing of ``documents/``, ``api/`` or ``scheduler/``;
- ``documents/`` (rendered from the application and the read models) imports nothing of
  ``api/`` or ``scheduler/``;
- ``api/`` and ``scheduler/`` do not import each other: each receives what it runs on;
- ``web/`` (the pages, asking ``api.graph`` in process) imports nothing of ``scheduler/``, and
  no layer but the composition root imports it (``api`` receives it);
- nothing imports ``entrypoints/``, the composition root that wires them all.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = (
    "domain",
    "application",
    "projections",
    "documents",
    "api",
    "scheduler",
    "web",
    "entrypoints",
)
FORBIDDEN: dict[str, set[str]] = {
    "domain": {"application", "projections", "documents", "api", "scheduler", "web", "entrypoints"},
    "application": {"projections", "documents", "api", "scheduler", "web", "entrypoints"},
    "projections": {"documents", "api", "scheduler", "web", "entrypoints"},
    "documents": {"api", "scheduler", "web", "entrypoints"},
    "api": {"scheduler", "web", "entrypoints"},
    "scheduler": {"api", "documents", "web", "entrypoints"},
    "web": {"scheduler", "entrypoints"},
    "entrypoints": set(),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(path: Path) -> str:
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imports(source: str, package: str) -> list[tuple[int, str]]:
    """Every module ``source`` imports, with its line: ``import``/``from`` statements
    anywhere in the tree (relative ones resolved against ``package``) and
    ``importlib.import_module`` / ``__import__`` calls with a literal name."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - (node.level - 1)])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.append((node.lineno, target))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in ("import_module", "__import__") and isinstance(first, ast.Constant):
                found.append((node.lineno, str(first.value)))
    return found


def modules_of(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


def test_every_kind_of_import_is_seen() -> None:
    """The parser itself: top-level, relative, inside a function, under TYPE_CHECKING and
    by name (else the rules below could pass by seeing nothing)."""
    source = textwrap.dedent(
        """
        import domain.case
        from . import sibling
        from ..outbox.messages import Row
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from api.app import create_app
        def later():
            from scheduler.jobs import SchedulerJobs
            import importlib
            return importlib.import_module("projections.store")
        """
    )
    seen = {name for _, name in imports(source, "application.outbox")}
    assert {
        "domain.case",
        "application.outbox",
        "application.outbox.messages",
        "api.app",
        "scheduler.jobs",
        "projections.store",
    } <= seen


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_is_found_with_its_modules(layer: str) -> None:
    found = modules_of(layer)
    assert (ROOT / layer / "__init__.py") in found
    assert len(found) >= 2


@pytest.mark.parametrize("layer", [layer for layer in LAYERS if FORBIDDEN[layer]])
def test_a_layer_imports_nothing_of_the_layers_outside_it(layer: str) -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in modules_of(layer)
        for line, name in imports(path.read_text(), package_of(path))
        if name.split(".")[0] in FORBIDDEN[layer]
    ]
    assert not wrong, "\n".join(wrong)
