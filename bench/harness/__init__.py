"""What every measurement runs on: the dev server and worker subprocesses (`workers`), CPU
and RSS of a process read from /proc (`measure`), py-spy profiles (`profile`), progress lines
(`progress`), the two kinds of workflow driven alike (`driver`), and the machine measured
(`machine`)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The checkout: worker subprocesses import the project from here."""
