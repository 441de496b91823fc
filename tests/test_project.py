"""Project wiring: migrations in step with models, production settings that pass Django's checks."""

import ast
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from .helpers import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parent.parent

TEST_ONLY_ENV = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


@pytest.mark.django_db
def test_no_pending_migrations():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def _manage(*args, env=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        # A clean environment: browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for themselves.
        env={k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV} | (env or {}),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = PRODUCTION_ENV | {"DJANGO_SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def _imported_test_modules(path):
    """The test modules (test_*.py) that the file at `path` imports from."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            modules = [node.module or ""] + [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        for module in modules:
            if any(part.startswith("test_") for part in module.split(".")):
                yield module


def test_no_test_module_imports_from_another():
    """Shared helpers live in conftest.py, tests/helpers.py or tests/factories.py, where a
    newcomer looks for them; a change to one test module never breaks another."""
    found = {
        str(path.relative_to(ROOT)): sorted(set(_imported_test_modules(path)))
        for path in sorted((ROOT / "tests").rglob("*.py"))
    }
    assert {path: modules for path, modules in found.items() if modules} == {}
