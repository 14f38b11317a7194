"""The governor's briefing: figures, notes, rendering (HTML, DOCX), archive and schedule."""
