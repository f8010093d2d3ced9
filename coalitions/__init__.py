"""Working with coalitions through Temporal: start, fire, read, list. Shared by CLI and API."""

from coalitions.portfolio import PortfolioFilter, PortfolioRow
from coalitions.service import (
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
