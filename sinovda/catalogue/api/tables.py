"""CSV answers: the same rows as the JSON, flat, with a header row, safe to open in a spreadsheet.

Text that a spreadsheet would run as a formula is escaped by lib.sheets (the rule every export of
Sinovda follows). UTF-8 without a byte-order mark: the readers of open data are programs first.
"""

import csv
import datetime
import io

from django.http import HttpResponse

from sinovda.lib.sheets import cell


def _plain(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def csv_response(columns: list[str], rows: list[dict], filename: str, next_url: str | None = None):
    """rows are flat dicts keyed by `columns`; a next page is linked as RFC 8288 rel="next"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(_plain(row.get(column))) for column in columns])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8; header=present")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if next_url:
        response["Link"] = f'<{next_url}>; rel="next"'
    return response
