"""Entry script for the bundled app (PyInstaller needs a script, not a console_scripts entry)."""

import sys

from ctpanel.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
