"""Deadlines and data consistency: `nir overdue`, `nir missing` and `nir status`."""
