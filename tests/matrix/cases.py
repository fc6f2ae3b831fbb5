"""The fault matrix: every way a reverse can go wrong, stated once, run through three doors.

Each case says how to break things (a simulator fault, a simulator state, or an unusable
address), the plain words the trader must see, how the journal records the attempt, the CLI's
exit code, and how many orders may reach the simulator (never more than one: nothing is
re-sent). ``test_core.py``, ``test_cli.py`` and ``test_panel.py`` run every case.
"""

from __future__ import annotations

import contextlib
import socket
from dataclasses import dataclass, field

REVERSE = ["ReversePosition"]


@dataclass(frozen=True)
class Case:
    name: str
    words: tuple[str, ...]  # all must appear in the message shown
    journal: str  # "failed" (sure not placed) or "unknown" (sent, outcome re-checked)
    exit_code: int
    sent: int  # orders that reach the simulator
    fault: dict = field(default_factory=dict)  # a simulator Fault's fields
    state: dict = field(default_factory=dict)  # /_sim/state changes
    address: str | None = None  # "refused", "dns", "untrusted_tls", "connect_timeout"
    transport: str = "rest"

    def __str__(self) -> str:
        return self.name


def fault(**fields) -> dict:
    return {"apis": REVERSE, **fields}


CASES = [
    # Before sending: nothing reaches CrossTrade.
    Case("connection refused", ("connection refused", "Nothing was sent"), "failed", 5, 0,
         address="refused"),
    Case("DNS failure", ("could not be found (DNS)", "Nothing was sent"), "failed", 5, 0,
         address="dns"),
    Case("untrusted TLS certificate", ("TLS certificate is not trusted", "Nothing was sent"),
         "failed", 5, 0, address="untrusted_tls"),
    Case("connect timeout", ("connect timeout", "Nothing was sent"), "failed", 5, 0,
         address="connect_timeout"),
    # After sending: the outcome is unknown, and the position is re-read.
    Case("read timeout, order placed", ("Outcome unknown", "no reply within 1 s",
                                        "Short 2", "most likely placed"),
         "unknown", 6, 1, fault=fault(no_reply=True, execute=True)),
    Case("connection reset mid-reply", ("Outcome unknown", "Short 2", "most likely placed"),
         "unknown", 6, 1, fault=fault(reset_mid_reply=True, status=200, execute=True,
                                      body={"orderId": "a" * 32, "success": True})),
    Case("closed with no reply, not placed", ("Outcome unknown", "Long 2",
                                              "most likely not placed"),
         "unknown", 6, 1, fault=fault(drop=True)),
    # Replies.
    Case("400 no position", ("no open position", "No position found"), "failed", 3, 1,
         state={"positions": [["Sim101", "ES", 0]]}),
    Case("400 other", ("rejected", "Insufficient margin"), "failed", 3, 1,
         fault=fault(status=400, body={"error": "Insufficient margin for this order"})),
    Case("401", ("did not accept the API token", "Settings"), "failed", 4, 1,
         fault=fault(status=401, body={"success": False, "error": "unauthorized"})),
    Case("403", ("refused access", "Pro subscription"), "failed", 4, 1,
         fault=fault(status=403, body={"success": False, "error": "Forbidden"})),
    Case("404 with did_you_mean", ("does not know this request", "Did you mean: /v1/api/"),
         "failed", 3, 1, fault=fault(status=404, body={
             "success": False, "error": "not_found",
             "did_you_mean": ["/v1/api/accounts/{account}/positions/reverseposition"]})),
    Case("408 NinjaTrader not connected", ("NinjaTrader is not connected", "add-on",
                                           "Nothing was traded"),
         "failed", 5, 1, state={"ninjatrader_connected": False}),
    Case("429 with Retry-After", ("rate limit", "wait 7 s", "Nothing was traded"), "failed",
         5, 1, fault=fault(status=429, body={"error": "Rate limit exceeded"},
                           headers={"Retry-After": "7"})),
    Case("429 without Retry-After", ("rate limit", "wait a few seconds"), "failed", 5, 1,
         fault=fault(status=429, body={"error": "Rate limit exceeded"})),
    Case("500", ("Outcome unknown", "server error (HTTP 500)", "Long 2"), "unknown", 6, 1,
         fault=fault(status=500, body={"error": "Internal Server Error"})),
    Case("502 with an HTML page", ("Outcome unknown", "HTTP 502", "502 Bad Gateway"),
         "unknown", 6, 1, fault=fault(status=502, content_type="text/html",
                                      body="<html><title>502 Bad Gateway</title></html>")),
    Case("200 with non-JSON", ("Outcome unknown", "could not be read", "not JSON"), "unknown",
         6, 1, fault=fault(status=200, content_type="text/plain", body="OK", execute=True)),
    Case("200 with success false", ("rejected", "Account is disabled"), "failed", 3, 1,
         fault=fault(status=200, body={"success": False, "error": "Account is disabled"})),
    Case("200 without orderId", ("Outcome unknown", "no orderId", "Short 2"), "unknown", 6, 1,
         fault=fault(status=200, body={"success": True}, execute=True)),
    Case("empty body", ("Outcome unknown", "empty"), "unknown", 6, 1,
         fault=fault(status=200, body="", execute=True)),
    Case("multi-megabyte body", ("Outcome unknown", "over the cap"), "unknown", 6, 1,
         fault=fault(status=200, body_bytes=3 << 20, execute=True)),
    Case("reply trickling in", ("Outcome unknown", "no reply within 1 s"), "unknown", 6, 1,
         fault=fault(status=200, trickle=0.05, body={"orderId": "b" * 32, "success": True})),
    # WebSocket.
    Case("WebSocket close 1008", ("Outcome unknown", "closed with code 1008"), "unknown", 6, 1,
         fault=fault(close_code=1008, close_reason="Too many rate limit violations"),
         transport="ws"),
    Case("WebSocket session active elsewhere", ("Outcome unknown", "Session active elsewhere"),
         "unknown", 6, 1, fault=fault(close_code=1008, close_reason="Session active elsewhere"),
         transport="ws"),
    Case("WebSocket reply never comes", ("Outcome unknown", "no reply within 1 s"), "unknown",
         6, 1, fault=fault(no_reply=True), transport="ws"),
    Case("WebSocket reply with an unknown id", ("Outcome unknown", "no reply within 1 s"),
         "unknown", 6, 1, fault=fault(wrong_id=True), transport="ws"),
    Case("WebSocket dropped", ("Outcome unknown", "the WebSocket closed"), "unknown", 6, 1,
         fault=fault(drop=True, execute=True), transport="ws"),
]
TIMEOUT = 1.0  # seconds; keeps the timeout cases short


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Blackhole:
    """A loopback port whose accept queue is full, so a new connection never completes."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(0)
        self.port = self.server.getsockname()[1]
        self.fillers = []
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):  # a non-blocking connect in progress
                filler.connect(("127.0.0.1", self.port))
            self.fillers.append(filler)

    def close(self) -> None:
        for sock in [*self.fillers, self.server]:
            sock.close()


# --- the stream: what a hostile or broken server can send over the WebSocket ----------------

HUGE_FRAME = "x" * (2 << 20)
DEEPLY_NESTED = "[" * 5000 + "]" * 5000


@dataclass(frozen=True)
class StreamCase:
    """What the server sends (then, optionally, how it closes the socket); whether the socket
    is replaced (else the same one lives on); the words the trader is told, if any (a log
    line), and the WebSocket light's reason while it reconnects, if it does."""

    name: str
    frames: tuple = ()
    close: int | None = None
    reopened: bool = False
    words: str = ""
    light: str = ""

    def __str__(self) -> str:
        return self.name


def _quote(instrument: str, price: float) -> dict:
    return {"type": "marketData",
            "quotes": [{"instrument": instrument, "bid": price, "ask": price, "last": price}]}


STREAM_CASES = [
    StreamCase("non-JSON text", ("hello{",),
               words="Ignored an unreadable WebSocket message (text, 6 characters: hello{)."),
    StreamCase("binary frame", (b"\x00\xff\xfe",),
               words="Ignored an unreadable WebSocket message (binary, 3 bytes)."),
    StreamCase("JSON that is not an object", ("[1, 2]",),
               words="Ignored an unreadable WebSocket message (text, 6 characters: [1, 2])."),
    StreamCase("wrong types", ({"type": "marketData", "quotes": "not a list"},
                               {"type": "pnlUpdate", "accounts": 7})),
    StreamCase("NaN and Infinity", ('{"type": "marketData", "quotes": [{"instrument": '
                                    '"ES 12-26", "bid": NaN, "ask": Infinity}]}',)),
    StreamCase("an absurd price", (_quote("ES 12-26", 1e308),)),
    StreamCase("a reply to an unknown id", ({"id": "nobody-asked", "data": {}},),
               words="Ignored a WebSocket reply for an unknown request id."),
    StreamCase("deeply nested (10 KB)", (DEEPLY_NESTED,),
               words="Ignored an unreadable WebSocket message (text, 10,000 characters:"),
    StreamCase("a frame over 1 MiB", (HUGE_FRAME,), reopened=True,
               light="a message over the 1 MiB cap (closed with code 1009)"),
    StreamCase("abnormal close 1011", close=1011, reopened=True,
               light="closed with code 1011 (server failure)"),
]


# --- the exits: the same faults for Close, Flatten and Cancel --------------------------------

# Each exit, the simulator's name for its request, and the CLI's arguments. Sim101 holds long 2
# ES 12-26 and short 1 NQ 12-26; the cancel's working order is placed before each case.
EXIT_APIS = {"close": "ClosePosition", "flatten": "Flatten", "cancel": "CancelOrders"}
EXIT_ARGS = {"close": ("close", "--account", "Sim101", "--instrument", "ES 12-26"),
             "flatten": ("flatten", "--account", "Sim101"),
             "cancel": ("cancel", "--account", "Sim101", "--instrument", "ES 12-26")}
WORKING_ORDER = {"instrument": "ES 12-26", "action": "SELL", "quantity": 2,
                 "orderType": "LIMIT", "limitPrice": 9000.0, "timeInForce": "GTC"}

EXIT_CASES = [
    Case("connection refused", ("connection refused", "Nothing was sent"), "failed", 5, 0,
         address="refused"),
    Case("read timeout, carried out", ("Outcome unknown", "no reply within 1 s",
                                       "most likely carried out"),
         "unknown", 6, 1, fault={"no_reply": True, "execute": True}),
    Case("closed with no reply, not carried out", ("Outcome unknown",
                                                   "most likely not carried out"),
         "unknown", 6, 1, fault={"drop": True}),
    Case("400 other", ("rejected", "Account is locked"), "failed", 3, 1,
         fault={"status": 400, "body": {"error": "Account is locked"}}),
    Case("401", ("did not accept the API token",), "failed", 4, 1,
         fault={"status": 401, "body": {"success": False, "error": "unauthorized"}}),
    Case("404 with did_you_mean", ("does not know this request", "Did you mean"), "failed", 3,
         1, fault={"status": 404, "body": {"success": False, "error": "not_found",
                                           "did_you_mean": ["/v1/api/accounts"]}}),
    Case("408 NinjaTrader not connected", ("NinjaTrader is not connected",), "failed", 5, 1,
         state={"ninjatrader_connected": False}),
    Case("429 as third parties see it", ("rate limit", "wait 7 s", "Nothing was traded"),
         "failed", 5, 1, fault={"status": 429, "headers": {"Retry-After": "7"}, "body": {
             "success": False, "error": "rate_limited", "retryAfter": 7}}),
    Case("500", ("Outcome unknown", "server error (HTTP 500)"), "unknown", 6, 1,
         fault={"status": 500, "body": {"error": "Internal Server Error"}}),
    Case("200 with non-JSON", ("Outcome unknown", "could not be read", "carried out"),
         "unknown", 6, 1, fault={"status": 200, "content_type": "text/plain", "body": "OK",
                                 "execute": True}),
    Case("200 with success false", ("rejected", "Account is disabled"), "failed", 3, 1,
         fault={"status": 200, "body": {"success": False, "error": "Account is disabled"}}),
    Case("multi-megabyte body", ("Outcome unknown", "over the cap"), "unknown", 6, 1,
         fault={"status": 200, "body_bytes": 3 << 20, "execute": True}),
]
