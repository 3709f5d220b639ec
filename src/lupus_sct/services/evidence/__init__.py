"""Use cases of the evidence base: the study table, pooling, the explorer and the decision aid."""
