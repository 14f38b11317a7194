"""The read side: plain immutable rows for views."""
