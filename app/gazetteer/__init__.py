"""Settlements of Russia and their word forms (lookup at run time; build/ at setup only)."""
