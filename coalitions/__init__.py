"""Working with coalitions through Temporal: start, fire, read, list. The one path from the
CLI, the API, the dashboard and bulk operations (`CoalitionService`), its checks and refusal
log (`Gate`), and the one error hierarchy every surface translates (`coalitions.errors`)."""

from lemniscate.coalitions.errors import (
    CoalitionError,
    CoalitionExists,
    CoalitionFinished,
    CoalitionNotEnded,
    CoalitionNotFound,
    CoalitionRefused,
    IdempotencyKeyReused,
    InvalidPayload,
    InvalidRequest,
    PayloadNotJson,
)
from lemniscate.coalitions.gate import Gate, Unreadable
from lemniscate.coalitions.portfolio import PortfolioFilter, PortfolioRow, Standing
from lemniscate.coalitions.refusals import Source
from lemniscate.coalitions.service import CoalitionService

__all__ = [
    "CoalitionError",
    "CoalitionExists",
    "CoalitionFinished",
    "CoalitionNotEnded",
    "CoalitionNotFound",
    "CoalitionRefused",
    "CoalitionService",
    "Gate",
    "IdempotencyKeyReused",
    "InvalidPayload",
    "InvalidRequest",
    "PayloadNotJson",
    "PortfolioFilter",
    "PortfolioRow",
    "Source",
    "Standing",
    "Unreadable",
]
