"""Hourly chart, KPI tiles, alerts."""
