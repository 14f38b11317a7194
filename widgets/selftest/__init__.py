"""Self-test of the installed application."""
