"""Clinical instruments: each scores one published definition exactly, with its source cited."""
