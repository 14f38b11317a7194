"""The QtWebEngine bridge: app:// scheme, offline guard, MapView."""
