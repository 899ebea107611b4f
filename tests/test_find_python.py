"""The Makefile finds a Python new enough for Django 6.1, or says plainly what to install."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "find-python"


def tools_only(tmp_path: Path) -> str:
    """A PATH holding the shell tools the script uses, and no Python at all."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("ls", "sort"):
        found = shutil.which(tool)
        assert found is not None
        (bin_dir / tool).symlink_to(found)
    return str(bin_dir)


def test_it_prefers_the_interpreter_given_in_python() -> None:
    result = subprocess.run(  # noqa: S603
        ["/bin/sh", str(SCRIPT)], env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable, "HOME": "/nonexistent"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == sys.executable


def test_it_finds_an_interpreter_installed_with_pyenv(tmp_path: Path) -> None:
    fake = tmp_path / "versions" / "3.13.9" / "bin"
    fake.mkdir(parents=True)
    (fake / "python3").symlink_to(sys.executable)
    result = subprocess.run(  # noqa: S603
        ["/bin/sh", str(SCRIPT)], env={"PATH": tools_only(tmp_path), "PYENV_ROOT": str(tmp_path), "HOME": "/nonexistent"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(fake / "python3")


def test_without_a_new_enough_python_it_says_what_to_install(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603
        ["/bin/sh", str(SCRIPT)], env={"PATH": tools_only(tmp_path), "PYENV_ROOT": str(tmp_path), "HOME": "/nonexistent"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "needs Python 3.12 or newer" in result.stderr
    assert "Install one" in result.stderr
