"""Working with coalitions through Temporal: start, fire, read, list. Shared by CLI and API."""

from lemniscate.coalitions.portfolio import PortfolioFilter, PortfolioRow
from lemniscate.coalitions.service import (
    CoalitionError,
    CoalitionExists,
    CoalitionFinished,
    CoalitionForbidden,
    CoalitionNotFound,
    CoalitionRefused,
    CoalitionService,
    InvalidRequest,
)

__all__ = [
    "CoalitionError",
    "CoalitionExists",
    "CoalitionFinished",
    "CoalitionForbidden",
    "CoalitionNotFound",
    "CoalitionRefused",
    "CoalitionService",
    "InvalidRequest",
    "PortfolioFilter",
    "PortfolioRow",
]
