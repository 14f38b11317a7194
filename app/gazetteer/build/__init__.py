"""Builds resources/generated/gazetteer.json at setup; nothing at run time imports it."""
