"""Search: keeping the indexes in step with the store, and hybrid retrieval over them."""
