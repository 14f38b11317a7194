"""Qt-free model of the wall display."""
