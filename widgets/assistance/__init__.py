"""Points of assistance: dialog, form, actions."""
