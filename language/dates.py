"""Dates and moments as a person reads them: per locale, in the office's time zone (stored
in UTC, shown in Europe/Amsterdam unless `LEMNISCATE_TIME_ZONE` says otherwise)."""

from __future__ import annotations

import os
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime

ZONE_ENV: Final = "LEMNISCATE_TIME_ZONE"
DEFAULT_ZONE: Final = "Europe/Amsterdam"


def office_zone() -> ZoneInfo:
    try:
        return ZoneInfo(os.environ.get(ZONE_ENV) or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def format_date(day: date, language: str, form: str = "long") -> str:
    """ "1 december 2026" / "December 1, 2026"."""
    return babel_date(day, format=form, locale=language)


def format_moment(moment: datetime, language: str, form: str = "medium") -> str:
    """A moment in the office's time zone, e.g. "1 dec 2026 14:05:00"."""
    return babel_datetime(moment, format=form, tzinfo=office_zone(), locale=language)
