"""Install ctpanel with its installer as a trader would, and check what they get (Windows):
``python packaging/check_installer.py dist/ctpanel-<version>-setup.exe``.

1. a silent install (``/S``), per user, into ``%LOCALAPPDATA%\\Programs\\ctpanel``;
2. the installed ``ctpanel.exe --self-test`` passes;
3. the Start-menu shortcut exists and points at it;
4. the "Installed apps" entry is in the registry (name, version, publisher, icon, size, the
   uninstall commands);
5. a second install over the first keeps the data folder it wrote (a journaled CLI reverse),
   byte for byte;
6. a second launch while one panel runs hands over and exits: one panel process remains;
7. a silent uninstall removes the program folder, the shortcut and the entry, and keeps the data
   folder;
8. ``/S /REMOVEDATA`` (the box "also remove my settings, journal and stored token") removes the
   data folder and the token in Credential Manager too.

The CLI reverse talks to a simulator: this checkout's, started here, unless ``--base-url`` and
``--ws-url`` name one (the Wine check runs it on the Linux side; its token in CTPANEL_TOKEN).
Used by ``.ci/windows/check.sh`` (under Wine, in a fresh prefix) and by the hosted-runner
workflow (``.github/workflows/bundles.yml``). Changes the user's profile: run it on a throwaway
machine or prefix. One ">>> installer NAME: PASS|FAIL (n s)" line a step; exit 0 if all pass.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import hashlib
import os
import subprocess
import sys
import time
import urllib.request
import winreg
from pathlib import Path

from check_bundle import TIMEOUT, run, simulator  # beside this file: the bundle's own checks

LOCAL, ROAMING = Path(os.environ["LOCALAPPDATA"]), Path(os.environ["APPDATA"])
PROGRAM, DATA = LOCAL / "Programs" / "ctpanel", LOCAL / "ctpanel"
EXE, UNINSTALLER = PROGRAM / "ctpanel.exe", PROGRAM / "uninstall.exe"
SHORTCUT = ROAMING / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "ctpanel.lnk"
UNINSTALL_KEY = r"Software\Microsoft\Windows\CurrentVersion\Uninstall\ctpanel"
KEYRING_SERVICE, KEYRING_USERNAME = "ctpanel", "crosstrade-api-token"


def run_setup(*command: str | Path) -> int:
    """The installer or the uninstaller. Its output is not read: it prints nothing, and under
    Wine a service it starts (for the shortcut) would keep a pipe open long after it ended."""
    return subprocess.run([str(part) for part in command], stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          timeout=TIMEOUT).returncode


def wait_until_gone(path: Path, seconds: float = 60) -> None:
    """The uninstaller runs from a copy of itself: it returns before it has finished."""
    deadline = time.monotonic() + seconds
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not path.exists(), f"{path} is still there"


def uninstall_entry() -> dict[str, object] | None:
    try:
        key = winreg.OpenKey(winreg.HKEY_CURRENT_USER, UNINSTALL_KEY)
    except OSError:
        return None
    with key:
        values, index = {}, 0
        with contextlib.suppress(OSError):
            while True:
                name, value, _kind = winreg.EnumValue(key, index)
                values[name], index = value, index + 1
        return values


def stored_token() -> str | None:
    import keyring  # ctpanel's own dependency, in the Python that runs this check

    return keyring.get_password(KEYRING_SERVICE, KEYRING_USERNAME)


class InstallerChecks:
    def __init__(self, setup: Path, urls: dict[str, str]) -> None:
        self.setup = setup
        self.urls = urls

    def install(self) -> None:
        code = run_setup(self.setup, "/S")
        assert code == 0 and EXE.is_file(), f"exit {code}; no {EXE}"

    def self_test(self) -> None:
        done = run(EXE, "--self-test")
        assert done.returncode == 0 and "self-test passed" in done.stdout, "self-test failed"

    def shortcut(self) -> None:
        target = str(EXE.relative_to(LOCAL.parent))  # what the .lnk holds after the profile
        data = SHORTCUT.read_bytes()
        assert target.encode("utf-16-le") in data or target.encode() in data, data[:200]

    def registry(self) -> None:
        said = run(EXE, "--version").stdout.split()  # "ctpanel 0.1.0"
        assert said[:1] == ["ctpanel"] and len(said) == 2, f"--version said {said}"
        version = said[1]
        entry = uninstall_entry()
        assert entry is not None, "no uninstall entry"
        assert entry["DisplayName"] == "ctpanel" and entry["DisplayVersion"] == version, entry
        assert entry["Publisher"] == "ctpanel" and str(entry["DisplayIcon"]).endswith(
            "ctpanel.exe") and int(entry["EstimatedSize"]) > 10_000, entry
        assert str(entry["QuietUninstallString"]).endswith('uninstall.exe" /S'), entry

    def upgrade(self) -> None:
        # The simulator may have served other checks: its seeded positions again (long 2 ES).
        urllib.request.urlopen(urllib.request.Request(f"{self.urls['base_url']}/_sim/reset",
                                                      method="POST"), timeout=10).close()
        run_reverse = run(EXE, "reverse", "--json", "--base-url", self.urls["base_url"],
                          "--ws-url", self.urls["ws_url"], "--account", "Sim101",
                          "--instrument", "ES", "--quantity", "2", "--action", "SELL",
                          env={"CTPANEL_TOKEN": self.urls["token"]})
        assert run_reverse.returncode == 0, "the CLI reverse failed"
        before = hashlib.sha256((DATA / "journal.jsonl").read_bytes()).hexdigest()
        self.install()
        after = hashlib.sha256((DATA / "journal.jsonl").read_bytes()).hexdigest()
        assert after == before, "the second install changed the journal"

    def hand_over(self) -> None:
        first = subprocess.Popen([str(EXE), "--demo", "--report-ready"],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            for line in iter(first.stdout.readline, ""):
                if line.startswith("usable "):
                    break
            else:
                raise AssertionError("the first panel never became usable")
            second = run(EXE, "--demo")
            assert second.returncode == 0 and "already running" in second.stdout, second
            assert first.poll() is None, "the first panel is gone"
            assert panel_processes() == 1, f"{panel_processes()} panel processes"
        finally:
            first.kill()
            first.wait(30)

    def uninstall(self) -> None:
        assert run_setup(UNINSTALLER, "/S") == 0
        wait_until_gone(PROGRAM)
        assert not SHORTCUT.exists() and uninstall_entry() is None
        assert (DATA / "journal.jsonl").stat().st_size > 0, "the data folder went too"

    def uninstall_everything(self) -> None:
        self.install()
        assert run(EXE, "token", "set", stdin="a-token-for-the-check\n").returncode == 0
        assert stored_token() == "a-token-for-the-check"
        assert run_setup(UNINSTALLER, "/S", "/REMOVEDATA") == 0
        wait_until_gone(PROGRAM)
        wait_until_gone(DATA)
        assert stored_token() is None, "the token is still in Credential Manager"


class PROCESSENTRY32W(ctypes.Structure):
    _fields_ = [("dwSize", ctypes.c_uint32), ("cntUsage", ctypes.c_uint32),
                ("th32ProcessID", ctypes.c_uint32), ("th32DefaultHeapID", ctypes.c_size_t),
                ("th32ModuleID", ctypes.c_uint32), ("cntThreads", ctypes.c_uint32),
                ("th32ParentProcessID", ctypes.c_uint32), ("pcPriClassBase", ctypes.c_long),
                ("dwFlags", ctypes.c_uint32), ("szExeFile", ctypes.c_wchar * 260)]


def panel_processes() -> int:
    """The running processes named ctpanel.exe, from the Toolhelp snapshot (psutil's process
    names fail under Wine; this works on both)."""
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.CreateToolhelp32Snapshot.restype = ctypes.c_void_p
    snapshot = kernel32.CreateToolhelp32Snapshot(0x2, 0)  # TH32CS_SNAPPROCESS
    entry = PROCESSENTRY32W()
    entry.dwSize = ctypes.sizeof(entry)
    count = 0
    try:
        more = kernel32.Process32FirstW(ctypes.c_void_p(snapshot), ctypes.byref(entry))
        while more:
            count += entry.szExeFile.lower() == "ctpanel.exe"
            more = kernel32.Process32NextW(ctypes.c_void_p(snapshot), ctypes.byref(entry))
    finally:
        kernel32.CloseHandle(ctypes.c_void_p(snapshot))
    return count


STEPS = {"silent install (/S), per user": "install", "installed self-test": "self_test",
         "Start-menu shortcut points at it": "shortcut", "uninstall entry in the registry":
         "registry", "a second install keeps the data": "upgrade",
         "a second launch hands over": "hand_over", "silent uninstall keeps the data":
         "uninstall", "uninstall /REMOVEDATA clears it": "uninstall_everything"}


@contextlib.contextmanager
def the_simulator(args: argparse.Namespace):
    if args.base_url:  # run elsewhere (the Linux side of the Wine check); its token in env
        yield {"base_url": args.base_url, "ws_url": args.ws_url,
               "token": os.environ.get("CTPANEL_TOKEN", "")}
        return
    with simulator() as urls:
        yield urls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("setup", type=Path)
    parser.add_argument("--base-url")
    parser.add_argument("--ws-url")
    args = parser.parse_args()
    failed = 0
    with the_simulator(args) as urls:
        checks = InstallerChecks(args.setup.resolve(), urls)
        for name, method in STEPS.items():
            started = time.monotonic()
            try:
                getattr(checks, method)()
                verdict = "PASS"
            except Exception as error:  # a check reports every failure and goes on
                verdict, failed = f"FAIL ({type(error).__name__}: {error})", failed + 1
            print(f">>> installer {name}: {verdict} ({time.monotonic() - started:.0f} s)",
                  flush=True)
            if failed and method == "install":
                break  # nothing else can be checked
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
