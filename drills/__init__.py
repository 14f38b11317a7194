"""Fault drills: feed faults, crashes, full disk, locked database, PostgreSQL restarts, hostile input, clock jumps.

Run ``.venv/bin/python drills/run_drills.py`` (or ``make drills``); see docs/OPERATIONS.md.
"""
