"""Map pages: building (folium, no Qt) in ``page``; the QtWebEngine bridge in ``web``/``view``."""
