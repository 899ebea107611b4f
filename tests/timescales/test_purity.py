"""`cpconf.timescales` is pure Python: it must import and run with Django absent (docs/design.md, principle 1)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import cpconf.timescales

PACKAGE = Path(cpconf.timescales.__file__).parent
ALLOWED_THIRD_PARTY = {"holidays"}

BLOCK_DJANGO = """
import sys

class BlockDjango:
    def find_spec(self, name, path=None, target=None):
        if name == "django" or name.startswith("django."):
            raise ImportError("Django is blocked: cpconf.timescales must not import it")
        return None

sys.meta_path.insert(0, BlockDjango())

import io
import pkgutil
import cpconf.timescales
for module in pkgutil.walk_packages(cpconf.timescales.__path__, "cpconf.timescales."):
    __import__(module.name)
from cpconf.timescales.command import run
out, err = io.StringIO(), io.StringIO()
status = run(["due", "--policy", "bolton", "--event", "strategy-discussion", "--at", "2026-04-01"], stdout=out, stderr=err)
assert status == 0, err.getvalue()
print(out.getvalue(), end="")
assert not any(name == "django" or name.startswith("django.") for name in sys.modules)
"""


def test_the_package_imports_and_runs_with_django_blocked() -> None:
    result = subprocess.run(  # noqa: S603  (the running interpreter, fixed code)
        [sys.executable, "-c", BLOCK_DJANGO], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == '{"initial-conference": "2026-04-24"}\n'


def test_no_module_imports_anything_but_the_standard_library_holidays_and_itself() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert (
                    top in sys.stdlib_module_names
                    or top in ALLOWED_THIRD_PARTY
                    or name.startswith("cpconf.timescales")
                ), f"{path.name} imports {name}"
