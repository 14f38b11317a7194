"""The wall display."""
