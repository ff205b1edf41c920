"""Issue 18 point 5: no city name, document number or policy title in code or templates. Pages, e-mails
and documents take them from the loaded pack (core.policy), so the words of the Jianli pack's
identity must appear nowhere outside the pack, the tests, the migrations and the docs."""

from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", ".git", "node_modules", "tests", "migrations", "fixtures", "docs", "var"}
SUFFIXES = {".py", ".html", ".txt", ".css", ".js"}  # code, templates and static/
NAMES = {"Makefile", "Procfile"}


def _forbidden() -> set[str]:
    pack = yaml.safe_load((settings.POLICY_PACK_DIR / "pack.yaml").read_text(encoding="utf-8"))
    identity, document = pack["identity"], pack["document"]
    words = {identity["short_name"], identity["city_name"], document["document_number"], document["title"]}
    words.add(document["document_number"].split("〔")[0])  # the issuer's prefix alone, 监政发
    words.add(identity["program_name"])  # 质量强市及品牌建设: a county's work is 质量强县…
    return words


def _code_files():
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        skipped = SKIP_DIRS & set(rel.parts[:-1]) or rel.name == "conftest.py"
        if (path.suffix in SUFFIXES or path.name in NAMES) and path.is_file() and not skipped:
            yield rel, path


def test_the_forbidden_words_are_the_packs():
    assert {"监利", "监政发", "质量强市及品牌建设"} <= _forbidden()


def test_no_city_document_number_or_title_in_code_or_templates():
    words = _forbidden()
    found = []
    for rel, path in _code_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if any(word in line for word in words):
                found.append(f"{rel}:{number}: {line.strip()}")
    assert found == [], "take these from the policy pack (core.policy.policy_document):\n" + "\n".join(found)


def test_the_scan_sees_templates_and_code():
    seen = {rel.as_posix() for rel, _ in _code_files()}
    assert {
        "templates/base.html",
        "awards/documents.py",
        "notifications/templates/notifications/email.txt",
        "static/css/app.css",
        "static/js/app.js",
        "Makefile",
    } <= seen
    assert not any(p.startswith(("tests/", "fixtures/")) for p in seen)
