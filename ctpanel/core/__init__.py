"""Qt-free core: models, validation, the CrossTrade clients, the reverse workflow."""

import sys

# httpx imports its own command-line tool whenever `rich` and `click` happen to be installed
# (developer machines often have them), which adds ~40 ms and ~10 MiB to the panel's start-up.
# ctpanel never uses that tool; marking the module absent makes httpx skip it, as it does
# when those packages are not installed.
sys.modules.setdefault("httpx._main", None)
