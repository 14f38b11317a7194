"""Start-up, the main window, menus, settings dialog."""
