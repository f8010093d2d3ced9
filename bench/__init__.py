"""Benchmarks of Lemniscate against a bare Temporal workflow: `python bench/run.py --help`.

`run.py` is the entry point (options, the order of the parts, the results file); `harness/`
what every measurement runs on; `parts/` one module per measurement; `report.py` the table
and the JSON. The free-port and time-skipping-server helpers are the tests' own
(`tests.support`), so both start servers the same way.
"""
