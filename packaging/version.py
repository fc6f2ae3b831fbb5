"""The version, from the one place it is written: ``pyproject.toml``. For the build scripts."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def project_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["version"]


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """Windows wants four numbers: ``0.1.0`` -> (0, 1, 0, 0); a suffix (``.dev1``) is dropped."""
    release = re.match(r"\d+(?:\.\d+)*", version)
    numbers = [int(part) for part in release.group(0).split(".")[:4]] if release else []
    return tuple(numbers + [0] * (4 - len(numbers)))  # type: ignore[return-value]


def version_resource(version: str) -> str:
    """PyInstaller's version-resource text: what Windows shows in the exe's properties."""
    numbers = numeric_version(version)
    strings = {"CompanyName": "ctpanel", "FileDescription": "ctpanel: one-click Reverse Position",
               "FileVersion": version, "InternalName": "ctpanel", "LegalCopyright": "MIT licence",
               "OriginalFilename": "ctpanel.exe", "ProductName": "ctpanel",
               "ProductVersion": version}
    table = ", ".join(f"StringStruct({key!r}, {value!r})" for key, value in strings.items())
    return (f"VSVersionInfo(ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, "
            "mask=0x3f, flags=0x0, OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)), "
            f"kids=[StringFileInfo([StringTable('040904B0', [{table}])]), "
            "VarFileInfo([VarStruct('Translation', [1033, 1200])])])")
