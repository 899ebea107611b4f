"""Writes for the plans app: one module per area of the work (plans, child in need, core groups, visits, reviews)."""
