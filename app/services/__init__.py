"""Use cases. Each one owns its transaction: it commits on success and leaves a
rolled-back session on failure."""
