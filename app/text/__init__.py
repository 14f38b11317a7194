"""What a Russian message says: category, places, personal data."""
