"""structlog configuration: JSON lines for machines, or readable lines for a terminal.

The standard library's records (the Temporal SDK, uvicorn, the worker's per-workflow lines
from `workers.activity_log`) go through the same processors, so a log collector sees one
JSON object per line whatever wrote it.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

from lemniscate.workers.activity_log import LOGGER_NAME as WORKFLOW_LOGGER


def configure_logging(*, json: bool = True, level: int = logging.INFO) -> None:
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    )
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    handler = logging.StreamHandler(sys.stderr)
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=lambda *_: _LineWriter(handler),
        cache_logger_on_first_use=False,
    )
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name, structlog.stdlib.ExtraAdder()],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    # The SDK is chatty at INFO; its warnings (task failures, slow handlers) are what matter.
    root.setLevel(logging.WARNING)
    logging.getLogger(WORKFLOW_LOGGER).setLevel(level)


class _LineWriter:
    """A structlog logger that writes each line whole, under the stdlib handler's lock.

    Workflow code runs on several threads and both structlog and the standard library write
    to stderr; with separate locks their lines interleave mid-line and break the JSON.
    """

    def __init__(self, handler: logging.StreamHandler[Any]) -> None:
        assert handler.lock is not None  # created by Handler.__init__
        self._lock = handler.lock
        self._stream = handler.stream

    def msg(self, message: str) -> None:
        with self._lock:
            self._stream.write(message + "\n")
            self._stream.flush()

    debug = info = warning = warn = error = critical = exception = fatal = log = msg
