"""Build the Windows installer from the Windows PyInstaller bundle, with NSIS's makensis (on
Linux from Debian's ``nsis`` package; on Windows from NSIS's own installer).

Usage: python packaging/installer.py [--bundle dist/ctpanel] [--out dist] [--compressor lzma]
Prints the installer's path, size and build time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from version import ROOT, numeric_version, project_version

SCRIPT = ROOT / "packaging" / "windows" / "ctpanel.nsi"
WINDOWS_MAKENSIS = Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)"),
                        "NSIS", "makensis.exe")


def makensis() -> str:
    found = shutil.which("makensis") or (str(WINDOWS_MAKENSIS) if WINDOWS_MAKENSIS.exists()
                                         else None)
    if found is None:
        sys.exit("makensis not found: apt-get install nsis (Debian), or install NSIS (Windows)")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "ctpanel")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--compressor", default="lzma", choices=["lzma", "zlib", "bzip2"])
    args = parser.parse_args()
    if not (args.bundle / "ctpanel.exe").is_file():
        sys.exit(f"no Windows bundle at {args.bundle} (ctpanel.exe missing)")
    version = project_version()
    args.out.mkdir(parents=True, exist_ok=True)
    installer = args.out.resolve() / f"ctpanel-{version}-setup.exe"
    defines = {"VERSION": version,
               "NUMERIC_VERSION": ".".join(map(str, numeric_version(version))),
               "BUNDLE": str(args.bundle.resolve()), "ICON": str(ROOT / "resources" /
                                                                 "ctpanel.ico"),
               "OUTFILE": str(installer), "COMPRESSOR": args.compressor}
    command = [makensis(), "-V2", *(f"-D{key}={value}" for key, value in defines.items()),
               str(SCRIPT)]
    started = time.monotonic()
    done = subprocess.run(command)
    if done.returncode:
        return done.returncode
    print(f"built {installer} ({installer.stat().st_size / 2**20:.0f} MiB, {args.compressor}) "
          f"in {time.monotonic() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
