"""Read models of the exports: the stored records an outside format is translated from."""
