"""Packs: their settings, the build, the schedule, the history of runs and the lock."""
