"""Candidate assessment: protocols as data, the rule language and its evaluation per criterion."""
