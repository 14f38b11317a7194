"""The operational map panel."""
