"""Conventions read from the source (issue 15, point 4): the acting user of a service is ``by``."""

import ast
import re
from pathlib import Path

import pytest
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


def _service_modules():
    paths = sorted(ROOT.glob("*/services.py")) + sorted(ROOT.glob("*/services/*.py"))
    return [path for path in paths if not path.relative_to(ROOT).as_posix().startswith((".venv/", "build/"))]


def _project_modules():
    skipped = (".venv/", "build/", "var/", "static/")
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if not rel.startswith(skipped) and "/migrations/" not in rel:
            yield rel, path


def test_service_modules_are_found():
    names = {path.relative_to(ROOT).as_posix() for path in _service_modules()}
    assert {"awards/services/review.py", "meetings/services/followups.py", "committee/services.py"} <= names


def test_services_refuse_with_service_error_only():
    """A service refuses with ``core.errors.ServiceError`` (a Chinese message and a code), never by
    raising or building Django's ``ValidationError`` itself: ``except ValidationError`` (around a
    Django validator, re-raised as a ServiceError) is allowed."""
    offenders = []
    for path in _service_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
                name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
                if name == "ValidationError":
                    offenders.append(f"{path.relative_to(ROOT).as_posix()}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize("attribute", ["_history_user", "_change_reason"])
def test_history_user_and_reason_are_set_by_core_history_only(attribute):
    """Who acted and why are recorded through ``core.history.save_with_history(by, reason=…)`` /
    ``delete_with_history``, never by setting simple-history's private attributes inline."""
    offenders = [
        rel
        for rel, path in _project_modules()
        if rel != "core/history.py"
        and not rel.startswith("tests/test_conventions")
        # obj._history_user = … / setattr(obj, "_change_reason", …); not history_change_reason
        and re.search(rf"[.\"']{attribute}\b", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
