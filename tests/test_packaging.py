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


def test_the_version_is_written_once_and_reaches_every_place_it_is_shown():
    import sys

    sys.path.insert(0, str(REPO / "packaging"))
    from version import numeric_version, project_version, version_resource

    from ctpanel.core.runtime.version import app_version

    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert project_version() == app_version() == version, "installed metadata is pyproject's"
    resource = version_resource(version)
    assert f"StringStruct('FileVersion', '{version}')" in resource
    assert f"filevers={numeric_version(version)}" in resource
    assert numeric_version("1.2.3.dev4") == (1, 2, 3, 0)


def test_the_installer_script_is_per_user_64_bit_and_keeps_the_data_unless_asked():
    script = (REPO / "packaging" / "windows" / "ctpanel.nsi").read_text()
    assert "RequestExecutionLevel user" in script and "Target amd64-unicode" in script
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP}"' in script
    assert 'Section /o "un.Also remove my settings, journal and stored token"' in script
