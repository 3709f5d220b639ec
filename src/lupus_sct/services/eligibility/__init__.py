"""Use cases of candidate assessment: evaluate and screen against protocols, match trials."""
