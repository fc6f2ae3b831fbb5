"""The process around the app: one instance, termination signals, the version."""
