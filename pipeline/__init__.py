"""brief: turn news articles into structured briefing documents."""

__version__ = "0.1.0"
