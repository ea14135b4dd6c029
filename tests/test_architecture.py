"""The import-independence rule: no service app imports another; they share only the message contracts.

Each service app may import the standard library, third-party packages, itself, `workflowviz.contracts`
and the engine infrastructure (`workflowviz.engine`). The engine and the contracts import no service app,
so nothing reaches another service through them.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent
# The four services of the foundation, and any coded service added since.
SERVICE_APPS = tuple(dict.fromkeys(["orders", "notifications", "sellers", "logistics", *settings.SERVICE_APPS]))
SHARED = ("workflowviz.contracts", "workflowviz.engine")
DYNAMIC_IMPORTERS = {"import_module", "__import__", "import_string"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module an import-from names, relative levels resolved against `module`."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    # Going above the top-level package fails at import time; treat it as the project root (strictest).
    base = package[: max(0, len(package) - (node.level - 1))]
    return ".".join([*base, node.module] if node.module else base)


def imported_names(source: str, *, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, dotted name) for everything a module imports, statically or through importlib/__import__."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(node, module, is_package)
            # `from x import y` may import the module x.y; `from . import sellers` resolves to a package.
            names += [(node.lineno, f"{target}.{alias.name}".strip(".")) for alias in node.names]
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called in DYNAMIC_IMPORTERS and node.args and isinstance(node.args[0], ast.Constant):
                if isinstance(node.args[0].value, str):
                    names.append((node.lineno, node.args[0].value))
    return names


def _top(name: str) -> str:
    return name.split(".", 1)[0]


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(source: str, *, app: str, module: str, is_package: bool = False) -> list[str]:
    """Why `module` (part of service app `app`) breaks the rule; empty when it keeps it."""
    problems = []
    for line, name in imported_names(source, module=module, is_package=is_package):
        top = _top(name)
        if top in SERVICE_APPS and top != app:
            problems.append(f"{module}:{line} imports service app '{top}' ({name})")
        elif top == "workflowviz" and not any(_within(name, shared) for shared in SHARED):
            problems.append(f"{module}:{line} imports '{name}'; services share only {', '.join(SHARED)}")
    return problems


def service_files(app: str) -> list[Path]:
    return sorted(path for path in (BASE_DIR / app).rglob("*.py") if "migrations" not in path.parts)


@pytest.mark.parametrize("app", SERVICE_APPS)
def test_service_app_imports_no_other_service_app(app):
    files = service_files(app)
    assert files, f"no Python files found for {app}"
    problems = []
    for path in files:
        problems += violations(
            path.read_text(),
            app=app,
            module=module_name(path, BASE_DIR),
            is_package=path.name == "__init__.py",
        )
    assert problems == []


@pytest.mark.parametrize("shared_dir", ["workflowviz/engine", "workflowviz/contracts.py"])
def test_shared_infrastructure_imports_no_service_app(shared_dir):
    root = BASE_DIR / shared_dir
    paths = [root] if root.is_file() else sorted(p for p in root.rglob("*.py") if "migrations" not in p.parts)
    problems = [
        f"{module_name(path, BASE_DIR)}:{line} imports {name}"
        for path in paths
        for line, name in imported_names(path.read_text(), module=module_name(path, BASE_DIR))
        if _top(name) in SERVICE_APPS
    ]
    assert problems == []


# --- the checker itself: each of these synthetic modules breaks the rule ------------------------------
VIOLATING = {
    "plain import": "import sellers\n",
    "dotted import": "import logistics.services as ls\n",
    "from import": "from notifications.models import Email\n",
    "from package import module": "from sellers import services\n",
    "relative beyond the app": "from .. import logistics\n",
    "relative into a sibling app": "from ..sellers.models import Seller\n",
    "nested in a function": "def f():\n    from sellers.services import shipment_preparation_request\n",
    "importlib": "import importlib\nmodels = importlib.import_module('notifications.models')\n",
    "__import__": "x = __import__('logistics')\n",
    "project module that knows every service": "from workflowviz.web.demo import demo_seed\n",
    "project package": "from workflowviz import api\n",
}
KEEPING = {
    "own app, absolute": "from orders.models import Order\n",
    "own app, relative": "from .models import Order\nfrom . import signals\n",
    "contracts": "from workflowviz import contracts\nfrom workflowviz.contracts import OrderPlaced\n",
    "engine": "from workflowviz.engine.runs import run_create\nimport workflowviz.engine.models\n",
    "third party": "import django\nfrom django.db import models\nimport json\n",
    "a name that merely starts like an app": "import orders_extra\nfrom sellersx import y\n",
}


@pytest.mark.parametrize("source", VIOLATING.values(), ids=VIOLATING.keys())
def test_checker_reports_a_violation(source):
    assert violations(source, app="orders", module="orders.services")


@pytest.mark.parametrize("source", KEEPING.values(), ids=KEEPING.keys())
def test_checker_accepts_allowed_imports(source):
    assert violations(source, app="orders", module="orders.services") == []


def test_checker_resolves_relative_imports_from_a_package_init():
    # In a package's __init__.py, `from . import x` stays in that package; one more dot goes up a level.
    assert violations("from . import handlers\n", app="orders", module="orders", is_package=True) == []
    assert violations("from .sellers import x\n", app="orders", module="orders", is_package=True) == []
    assert violations("from ..sellers import x\n", app="orders", module="orders.sub", is_package=True) == []
    assert violations("from ...sellers import x\n", app="orders", module="orders.sub", is_package=True)


def test_checker_finds_a_violation_in_a_real_file_layout(tmp_path):
    (tmp_path / "orders").mkdir()
    bad = tmp_path / "orders" / "handlers.py"
    bad.write_text("from ..notifications import services\n")
    assert module_name(bad, tmp_path) == "orders.handlers"
    assert violations(bad.read_text(), app="orders", module=module_name(bad, tmp_path)) == [
        "orders.handlers:1 imports service app 'notifications' (notifications.services)"
    ]


def test_no_engine_function_is_longer_than_sixty_lines():
    """The engine is read more than any other part: each of its functions fits on a screen."""
    long = []
    for path in sorted((BASE_DIR / "workflowviz" / "engine").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno >= 60:
                long.append(f"{module_name(path, BASE_DIR)}.{node.name}: {node.end_lineno - node.lineno + 1} lines")
    assert long == []
