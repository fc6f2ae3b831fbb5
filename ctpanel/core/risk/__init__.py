"""Pre-trade guards: the rules every request passes on the desk, from every door (the panel,
the CLI, each group member). An exit is never blocked by a guard against new risk."""
