"""Background work: database worker, feed runner, live sources, sync bridge."""
