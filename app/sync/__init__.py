"""Several seats on one database: notifications, seat roles."""
