"""Hourly volume, baselines, spikes, KPI figures and exports of the series."""
