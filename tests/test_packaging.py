"""Every package of ctpanel is installed by `pip install .` (a missing one only shows once
installed, not in an editable checkout)."""

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_for_setuptools():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"]) - set(config.get("package-dir", {}))
    on_disk = {".".join(init.parent.relative_to(REPO).parts)
               for init in (REPO / "ctpanel").rglob("__init__.py")}
    assert on_disk == listed
