"""What the simulator holds at every start: the NinjaTrader simulation accounts and their
positions, the demo group's five funded accounts, and the ATM templates. The core knows none of
it; the panel offers the demo group in demo mode because the simulator says it exists."""

from __future__ import annotations

from ctpanel.core.domain.groups import Group, Member

# Sim101 long 2 ES and short 1 NQ; Sim102 short 3 MES; Sim103 flat.
SIM_ACCOUNTS = ("Sim101", "Sim102", "Sim103")
SIM_POSITIONS = (("Sim101", "ES", 2), ("Sim101", "NQ", -1), ("Sim102", "MES", -3))

# The demo group: five funded accounts on a Rithmic connection, all in ES: long 2, long 1,
# flat, short 1 (the other side), long 3; one with a contract limit.
DEMO_GROUP_POSITIONS = (2, 1, 0, -1, 3)  # APEX-1 .. APEX-5 in ES
DEMO_GROUP = Group("Apex PA", (
    Member("APEX-1"), Member("APEX-2"), Member("APEX-3"), Member("APEX-4", max_contracts=5),
    Member("APEX-5"),
))
DEMO_GROUPS = (DEMO_GROUP,)

ATM_TEMPLATES = ("ATM 1 target", "ATM 2 targets", "Scalp 8-16")
