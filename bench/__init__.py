"""Benchmarks of Lemniscate against a bare Temporal workflow: `python bench/run.py --help`."""
