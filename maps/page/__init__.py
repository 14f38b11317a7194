"""Map page building with folium (no Qt)."""
