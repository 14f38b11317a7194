"""File import dialog."""
