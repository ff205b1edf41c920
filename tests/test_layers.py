"""The allowed direction of imports between the project's apps, read from the source (ast).

Every import of one app by another — at module level or inside a function — is an edge. ``core`` is the
base layer and imports no feature app; the edges it still has are listed in ``KNOWN_CORE_VIOLATIONS``
(issue 15, point 1: home, policy page, demo data and ``load_policy`` still live in core) so that any
NEW one fails. Apart from those, the graph between apps has no cycle. Modules loaded by name
(``import_module``) are not edges; ``test_no_dynamic_import_of_project_code`` keeps their number known.
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
    "policypack",
)
FEATURE_APPS = set(APPS) - {"core"}
# top layers: they may import every app, and no app imports them
TOP_LAYERS = {"policypack"}

# core -> feature app, file by file, as of today. Remove an entry when its import goes; never add one.
KNOWN_CORE_VIOLATIONS = {
    ("core/calendar_views.py", "accounts"),
    ("core/context_processors.py", "notifications"),
    ("core/demo.py", "accounts"),
    ("core/demo.py", "awards"),
    ("core/demo.py", "committee"),
    ("core/demo.py", "meetings"),
    ("core/demo.py", "targets"),
    ("core/templatetags/audit.py", "accounts"),
    ("core/views.py", "accounts"),
    ("core/views.py", "awards"),
    ("core/views.py", "targets"),
}
# the project code that still loads project modules by name (core.health reads notifications.health)
KNOWN_DYNAMIC_IMPORTS = {"core/health.py"}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts or "tests" in rel.parts:
                continue
            yield app, rel.as_posix(), ast.parse(path.read_text(encoding="utf-8"), filename=str(rel))


def _imported_apps(tree) -> set[str]:
    found = set()
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


def test_core_imports_no_new_feature_app():
    core = {(rel, other) for app, rel, other in edges() if app == "core" and other in FEATURE_APPS}
    assert core - KNOWN_CORE_VIOLATIONS == set(), (
        "core is the base layer: register from the feature app instead"
    )
    # a violation that is gone is taken off the list, so the list stays the truth
    assert KNOWN_CORE_VIOLATIONS - core == set()


def test_no_cycle_between_apps():
    graph: dict[str, set[str]] = {}
    for app, rel, other in edges():
        if app == "core" and (rel, other) in KNOWN_CORE_VIOLATIONS:
            continue
        graph.setdefault(app, set()).add(other)
    assert _cycle(graph) is None


def test_no_app_imports_a_top_layer():
    assert {(rel, other) for app, rel, other in edges() if other in TOP_LAYERS and app != other} == set()


def test_no_dynamic_import_of_project_code():
    dynamic = set()
    for _app, rel, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Name | ast.Attribute) and getattr(
                node, "id", getattr(node, "attr", "")
            ) == ("import_module"):
                dynamic.add(rel)
    assert dynamic == KNOWN_DYNAMIC_IMPORTS
