"""Notes folders: registry, document persistence, the indexing queue and the watcher."""
