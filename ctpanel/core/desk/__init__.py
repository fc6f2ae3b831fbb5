"""The order desk: every intent sent once, guarded, written ahead, read back, judged and journaled;
shared by the panel and the CLI.
"""
