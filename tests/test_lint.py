"""pylint-odoo's mandatory checks on the add-on (the configuration is .pylintrc)."""

import subprocess
import sys

import pytest
from conftest import ROOT


def test_pylint_odoo_mandatory_checks_pass():
    pytest.importorskip("pylint_odoo", reason="pylint-odoo is not installed (requirements-test.txt)")
    result = subprocess.run(
        [sys.executable, "-m", "pylint", f"--rcfile={ROOT / '.pylintrc'}", str(ROOT / "acorn_amazon_vendor")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
