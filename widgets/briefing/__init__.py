"""Briefing making, PDF, archive, schedule, projection."""
