"""Spreadsheet cells that are safe to open and typed as what they are.

A text that starts with = + - @ (or a tab / carriage return) would run as a formula in Excel or
LibreOffice (CSV/formula injection): such text is written with a leading apostrophe-free quote
character ("'") so it stays text. Dates stay dates and numbers stay numbers, never text.
"""

import datetime
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text that a spreadsheet will never evaluate."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell(value):
    """A value for openpyxl or csv: numbers and dates as themselves, text escaped, None as empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal | datetime.date | datetime.datetime):
        return value
    return safe_text(str(value))


def row(values) -> list:
    return [cell(v) for v in values]
