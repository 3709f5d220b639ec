"""Read models: what a page, a report or a worklist shows, assembled from stored records."""
