"""Checkout use cases (built next)."""
