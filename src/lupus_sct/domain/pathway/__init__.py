"""The pathway: therapy courses, day numbering, phases, schedules, milestones and disease course."""
