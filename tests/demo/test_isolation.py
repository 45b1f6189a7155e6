"""No production module reaches the demo: every module of every other app of the checkout (and
the .py files at its root) is parsed, and an import of `demo` at any depth — at the top, inside
a function or a branch, through importlib — or a call of a demo command fails the test. The demo
imports the apps, never the other way round; bench/ and tests/ may import it."""

import ast
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
DEMO = "demo"
COMMANDS = {path.stem for path in (ROOT / DEMO / "management" / "commands").glob("[!_]*.py")}


def production_modules():
    """Every module of the checkout's own apps (top-level folders; not those installed in .venv)
    but the demo's, and the .py files at the root (manage.py, gunicorn.conf.py)."""
    paths = list(ROOT.glob("*.py"))
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.parent == ROOT and config.name != DEMO:
            paths += path.rglob("*.py")
    return sorted(set(paths))


def _is_demo(name):
    return name == DEMO or name.startswith(DEMO + ".")


def demo_uses(source):
    """(line, what) of each place in `source` that imports the demo or calls one of its
    commands. A relative import stays inside its own app (`from .. import demo` in
    sessions_app/views/ is sessions_app.demo): it never reaches another top-level package."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if _is_demo(alias.name)]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            if _is_demo(node.module):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args:
            function = node.func.attr if isinstance(node.func, ast.Attribute) else None
            function = node.func.id if isinstance(node.func, ast.Name) else function
            first = node.args[0]
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            if function in ("import_module", "__import__") and _is_demo(first.value):
                found.append((node.lineno, first.value))
            elif function == "call_command" and first.value in COMMANDS:
                found.append((node.lineno, f"manage.py {first.value}"))
    return found


def test_no_production_module_imports_the_demo():
    leaks = [
        f"{path.relative_to(ROOT)}:{line} {what}"
        for path in production_modules()
        for line, what in demo_uses(path.read_text(encoding="utf-8"))
    ]
    assert leaks == []


def test_every_app_of_the_checkout_but_the_demo_is_read():
    read = {path.relative_to(ROOT).parts[0] for path in production_modules()}
    assert {"portal", "academics", "sessions_app", "accreditation", "surveys", "reports"} <= read
    assert "jobs" in read and "manage.py" in read
    assert not read & {DEMO, "tests", "bench", ".venv"}
    assert COMMANDS == {"seed_demo", "demo_admin"}


def test_the_check_finds_every_way_in():
    source = """
import demo
import demo.university as university
from demo.sessions import TERM
from demo import history


def later():
    from demo.surveys import TITLE
    import importlib
    importlib.import_module("demo.accreditation")
    __import__("demo")
    call_command("seed_demo", verbosity=0)
    from . import demo


from .. import demo
from ..demo import university
import demography
from sessions_app.demo_tools import x
from . import models
call_command("migrate")
"""
    assert [line for line, _what in demo_uses(source)] == [2, 3, 4, 5, 9, 11, 12, 13]
