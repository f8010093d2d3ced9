"""The HTTP API (FastAPI): coalitions, triggers, journal and portfolio for other systems."""
