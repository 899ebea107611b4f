"""Forms for the plans pages, one module per area of the work."""
