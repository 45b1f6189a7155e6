"""The house's shape: the apps depend one way, from the floor (portal) up; no app reaches into
another app's views, and no module but a view, a URL list or an admin imports a view module;
production code never imports the demo loaders.

Every module of every app (migrations and commands too) is parsed with ast, and every import
counts, at any depth: one inside a function is a dependency all the same, only a later one.
Dotted strings (jobs.tasks.TASKS, jobs.views.FINISHED_PAGES, include("reports.urls")) are not
imports: that is how jobs runs other apps' code without importing them.

The demo loaders are a room of their own, above every app: the `demo` app, and until they all
live there, any module named `demo`, `*_demo` or `demo_*` (academics/demo.py,
commands/seed_demo.py...) wherever it sits. They may import anything; nothing else imports them.
"""

import ast
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[2]
DEMO = "demo"

# What each app may import besides itself, from the floor up:
#   portal <- academics <- jobs <- sessions_app <- accreditation, surveys <- reports <- demo
# portal is the floor: settings, and the helpers several apps share; it imports no app. jobs
# runs the other apps' tasks by dotted name and imports none of them.
MAY_IMPORT = {
    "portal": set(),
    "academics": {"portal"},
    "jobs": set(),
    "sessions_app": {"portal", "academics", "jobs"},
    "accreditation": {"portal", "academics", "jobs", "sessions_app"},
    "surveys": {"portal", "academics", "jobs", "sessions_app"},
    "reports": {"portal", "academics", "jobs", "sessions_app", "accreditation", "surveys"},
    DEMO: {"portal", "academics", "jobs", "sessions_app", "accreditation", "surveys", "reports"},
}


class Import(NamedTuple):
    path: str  # the importing file, from the repository's root
    line: int
    source: str  # the importing module
    target: str  # the imported module (the longest known module the statement names)

    def __str__(self):
        return f"{self.path}:{self.line} imports {self.target}"


def _apps():
    return sorted(d.name for d in ROOT.iterdir() if d.is_dir() and (d / "apps.py").exists())


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules():
    """{module name: file} of every module of every app."""
    found = {}
    for app in _apps():
        for path in sorted((ROOT / app).rglob("*.py")):
            found[_module_name(path)] = path
    return found


def _known(name, modules):
    """The longest prefix of `name` that is a module of an app (or None: not an app's)."""
    parts = name.split(".")
    while parts:
        if ".".join(parts) in modules:
            return ".".join(parts)
        parts.pop()
    return None


def _imports():
    """Every import of an app's module by another module, once per statement and target."""
    modules = _modules()
    found = set()
    for source, path in modules.items():
        package = source if path.name == "__init__.py" else source.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from x import y` imports the module x.y when there is one, else x.
                names = [f"{base}.{alias.name}" for alias in node.names] or [base]
            else:
                continue
            for name in names:
                target = _known(name, modules)
                if target is not None and target != source:
                    relative = path.relative_to(ROOT).as_posix()
                    found.add(Import(relative, node.lineno, source, target))
    return sorted(found)


def _is_demo(module):
    return any(
        part == DEMO or part.endswith(f"_{DEMO}") or part.startswith(f"{DEMO}_")
        for part in module.split(".")
    )


def room(module):
    """The app a module belongs to, or DEMO for a demo loader wherever it sits."""
    return DEMO if _is_demo(module) else module.split(".")[0]


def _is_views(module):
    return any(part == "views" or part.endswith("_views") for part in module.split("."))


def _may_import_views(module):
    # Views, URL lists (which name the views) and admins (whose pages are views too).
    last = module.split(".")[-1]
    return _is_views(module) or last in ("urls", "admin") or last.endswith("_urls")


def _edges(imports):
    """{(app, app it imports): [Import...]} between different rooms."""
    edges = defaultdict(list)
    for imported in imports:
        pair = (room(imported.source), room(imported.target))
        if pair[0] != pair[1]:
            edges[pair].append(imported)
    return edges


def _cycles(pairs):
    """The groups of apps that reach each other (Tarjan's strongly connected components)."""
    graph = defaultdict(set)
    for a, b in pairs:
        graph[a].add(b)
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(set(graph)):
        if node not in index:
            visit(node)
    return groups


def _listing(imports):
    return "\n".join(f"  {imported}" for imported in imports)


def _pair_summary(pair, found, shown=3):
    more = f" and {len(found) - shown} more" if len(found) > shown else ""
    return f"  {pair[0]} -> {pair[1]}: " + ", ".join(str(i) for i in found[:shown]) + more


def test_every_app_has_its_place_in_the_order():
    assert set(_apps()) <= set(MAY_IMPORT), "declare the new app's place in MAY_IMPORT"


def test_the_declared_order_itself_has_no_cycle():
    pairs = [(app, other) for app, others in MAY_IMPORT.items() for other in others]
    assert _cycles(pairs) == []


def test_no_import_cycle_between_apps():
    edges = _edges(_imports())
    cycles = _cycles(edges)
    details = [
        f"{' <-> '.join(group)}:\n"
        + "\n".join(
            _pair_summary(pair, found)
            for pair, found in sorted(edges.items())
            if set(pair) <= set(group)
        )
        for group in cycles
    ]
    assert not cycles, "apps that import each other:\n" + "\n".join(details)


def test_apps_import_only_the_apps_below_them():
    wrong = [
        imported
        for (app, other), found in sorted(_edges(_imports()).items())
        if other not in MAY_IMPORT.get(app, set())
        for imported in found
    ]
    assert not wrong, "imports against the order (MAY_IMPORT):\n" + _listing(wrong)


def test_portal_imports_no_app():
    wrong = [i for i in _imports() if room(i.source) == "portal" and room(i.target) != "portal"]
    assert not wrong, "portal is the floor; it imports no app:\n" + _listing(wrong)


def test_no_module_imports_another_apps_views():
    wrong = [i for i in _imports() if _is_views(i.target) and room(i.source) != room(i.target)]
    assert not wrong, "an app's views are its own:\n" + _listing(wrong)


def test_only_views_urls_and_admins_import_a_view_module():
    wrong = [i for i in _imports() if _is_views(i.target) and not _may_import_views(i.source)]
    assert not wrong, "move what they need out of the view module:\n" + _listing(wrong)


def test_no_production_code_imports_the_demo_loaders():
    # Holds before and after the loaders move into the demo app: by name, wherever they are.
    wrong = [i for i in _imports() if room(i.target) == DEMO and room(i.source) != DEMO]
    assert not wrong, "the demo loaders are above every app:\n" + _listing(wrong)


def test_the_checks_see_what_they_check():
    # A parser that found nothing would pass every test above.
    imports = _imports()
    edges = _edges(imports)
    assert ("reports", "academics") in edges and ("sessions_app", "academics") in edges
    assert any(i.source == "sessions_app.jobs" for i in imports)
    assert room("academics.management.commands.seed_demo") == DEMO
    assert room("demo.loaders") == DEMO and room("sessions_app.history_demo") == DEMO
    assert room("reports.dashboard.views") == "reports"
    assert _is_views("sessions_app.views.imports") and _is_views("reports.views")
    assert not _is_views("reports.dashboard.board")
