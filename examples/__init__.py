"""Worked examples from the source texts, as step lists any part of the project can walk."""
