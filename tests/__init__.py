"""The test suite; its helpers, shared with bench/, are in `tests.support`."""
