"""Conventions read from the source (issue 15, point 4): the acting user of a service is ``by``."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# a parameter called ``user`` that is not the acting user: the user read for, checked, or acted upon
USER_IS_NOT_THE_ACTOR = {
    ("notifications/services.py", "unread_count"),
    ("awards/services/registration.py", "enterprise_unbind_user"),
}


def _service_functions():
    paths = sorted(ROOT.glob("*/services.py")) + sorted(ROOT.glob("*/services/*.py"))
    for path in paths:
        rel = path.relative_to(ROOT).as_posix()
        # a private module (``_workflow.py``) holds helpers of the services, not services: its
        # ``record(actor=None)`` may be the system
        if rel.startswith((".venv/", "build/")) or path.name.startswith("_") and path.name != "__init__.py":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                yield rel, node.name, [a.arg for a in node.args.args + node.args.kwonlyargs]


def test_services_are_found():
    names = {name for _, name, _ in _service_functions()}
    assert {"application_submit", "report_accept", "payment_apply", "period_open"} <= names


def test_the_acting_user_of_every_service_is_called_by():
    other_names = [
        (rel, name, arg)
        for rel, name, args in _service_functions()
        for arg in args
        if arg.endswith("_by")
        or arg in {"reviewer", "actor", "approver", "acting_user"}
        or (arg == "user" and (rel, name) not in USER_IS_NOT_THE_ACTOR)
    ]
    assert other_names == []
