"""Memory items: what the person said and what Second Me derived from it."""
