"""Build the one-folder app into dist/ctpanel/ with PyInstaller, then report its size.

Usage: python packaging/build.py      (needs `pip install ".[package]"`)
"""

from __future__ import annotations

import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def folder_size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*")
               if item.is_file() and not item.is_symlink())


def main() -> int:
    started = time.monotonic()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level",
               "WARN", "--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build"),
               str(ROOT / "packaging" / "ctpanel.spec")]
    print("+", " ".join(command), flush=True)
    done = subprocess.run(command, cwd=ROOT)
    if done.returncode:
        return done.returncode
    bundle = ROOT / "dist" / "ctpanel"
    print(f"built ctpanel {version('ctpanel')} in {time.monotonic() - started:.0f} s: "
          f"{bundle} ({folder_size(bundle) / 2**20:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
