"""The allowed direction of imports between the project's apps, read from the source (ast).

Every import of one app by another — at module level or inside a function — is an edge. ``core`` is the
base layer and imports no other app of the project; the edges it still has are listed in
``KNOWN_CORE_VIOLATIONS`` (the policy loader, which the ``policypack`` app takes over) so that any NEW
one fails. The top apps (``portal``, ``policypack``) may import every app and no app imports them.
Apart from that, the graph between apps has no cycle, and no function imports another app (which is
how a cycle is usually hidden) except an ``AppConfig.ready`` and imports of ``core``, which imports
nothing back. Modules loaded by name (``import_module``) are not edges;
``test_no_dynamic_import_of_project_code`` keeps their number known.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = (
    "core",
    "accounts",
    "committee",
    "targets",
    "awards",
    "meetings",
    "notifications",
    "scheduler",
    "assessment",
    "portal",
    "policypack",
)
# the top layer: pages and commands that gather every feature app; nothing imports them
TOP_APPS = {"portal", "policypack"}
FEATURE_APPS = set(APPS) - {"core"} - TOP_APPS

# core -> another app, file by file, as of today. Remove an entry when its import goes; never add one.
KNOWN_CORE_VIOLATIONS: set[tuple[str, str]] = set()
# the project code that still loads project modules by name (none: apps register in AppConfig.ready)
KNOWN_DYNAMIC_IMPORTS: set[str] = set()


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts or "tests" in rel.parts:
                continue
            yield app, rel.as_posix(), ast.parse(path.read_text(encoding="utf-8"), filename=str(rel))


def _imported_apps(tree) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & set(APPS)
    return found


def edges() -> set[tuple[str, str, str]]:
    """(importing app, file, imported app) for every import of another app."""
    return {
        (app, rel, other) for app, rel, tree in _modules() for other in _imported_apps(tree) if other != app
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_parser_sees_imports_at_module_level_and_inside_functions():
    tree = ast.parse(
        "from targets.models import Plan\ndef f():\n    import awards.selectors\n    from . import x\n"
    )
    assert _imported_apps(tree) == {"targets", "awards"}


def test_the_cycle_finder_finds_a_cycle_and_accepts_a_tree():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b", "c"}, "b": {"c"}}) is None


def _function_imports(tree) -> set[tuple[str, str]]:
    """(function name, imported app) for every import of a project app inside a function."""
    found = set()
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            found |= {(fn.name, other) for other in _imported_apps(fn)}
    return found


def test_the_parser_sees_imports_inside_functions_with_their_function():
    tree = ast.parse("def ready(self):\n    from core import navigation\n    import targets.models\n")
    assert _function_imports(tree) == {("ready", "core"), ("ready", "targets")}


def test_core_imports_no_new_project_app():
    core = {(rel, other) for app, rel, other in edges() if app == "core" and other != "core"}
    assert core - KNOWN_CORE_VIOLATIONS == set(), (
        "core is the base layer: register from the feature app instead"
    )
    # a violation that is gone is taken off the list, so the list stays the truth
    assert KNOWN_CORE_VIOLATIONS - core == set()


def test_no_app_imports_a_top_app():
    assert {(rel, other) for app, rel, other in edges() if other in TOP_APPS and app not in TOP_APPS} == set()


def test_every_app_imports_downward_only_where_the_table_says():
    # accounts holds the roles every app checks: it imports no other app of the project
    assert {(rel, other) for app, rel, other in edges() if app == "accounts"} == set()


def test_no_function_imports_another_app_except_apps_ready_and_core():
    hidden = set()
    for app, rel, tree in _modules():
        for function, other in _function_imports(tree):
            if other in (app, "core") or (rel.endswith("/apps.py") and function == "ready"):
                continue
            hidden.add((rel, function, other))
    assert hidden == set(), "import at module level; a cycle it would create means the layers are wrong"


def test_no_cycle_between_apps():
    graph: dict[str, set[str]] = {}
    for app, rel, other in edges():
        if app == "core" and (rel, other) in KNOWN_CORE_VIOLATIONS:
            continue
        graph.setdefault(app, set()).add(other)
    assert _cycle(graph) is None


def test_no_dynamic_import_of_project_code():
    dynamic = set()
    for _app, rel, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Name | ast.Attribute) and getattr(
                node, "id", getattr(node, "attr", "")
            ) == ("import_module"):
                dynamic.add(rel)
    assert dynamic == KNOWN_DYNAMIC_IMPORTS
