"""Checkout steps (built next)."""
