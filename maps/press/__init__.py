"""The standalone press map (no Qt)."""
