"""Leaves every other package uses: paths, clocks, time, Russian text helpers."""
