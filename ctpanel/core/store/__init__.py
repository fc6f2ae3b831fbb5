"""What is kept on disk or in the OS keyring: the journal, the token, crash reports."""
