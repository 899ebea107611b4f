"""Reads for the plans app: one module per area of the work."""
