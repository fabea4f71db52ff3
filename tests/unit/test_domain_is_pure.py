"""The domain layer holds the rules and nothing else: no Flask, no database."""

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).parents[2] / "app" / "domain"
FORBIDDEN = ("flask", "flask_", "sqlalchemy", "werkzeug", "app.models", "app.services")


@pytest.mark.parametrize("path", sorted(DOMAIN.glob("*.py")), ids=lambda p: p.name)
def test_domain_module_imports_nothing_of_the_framework(path):
    tree = ast.parse(path.read_text())
    imported = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported.append(node.module or "")
    bad = [name for name in imported if name.startswith(FORBIDDEN)]
    assert not bad, f"{path.name} imports {bad}"
