"""Keyset (cursor) pagination: each page continues after the last row of the previous one.

Offsets drift when rows are added while a client walks the pages (a row is skipped or seen twice)
and get slower the deeper they go. A keyset page asks for rows *after* the last one seen in a fixed,
total order, so neither happens. The order always ends with the primary key, which makes it total.

The cursor is opaque to clients: base64url of a small JSON list [order name, last row's values]. Its
shape is checked before use, so a damaged or foreign cursor is a 400 with a clear message, never a 500.
"""

import base64
import binascii
import json
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _


class BadCursor(ValueError):
    pass


@dataclass(frozen=True)
class Key:
    field: str  # an ORM path, e.g. "region__code"
    kind: type  # int or str: what a cursor may carry for it
    descending: bool = False

    @property
    def order_by(self) -> str:
        return f"-{self.field}" if self.descending else self.field


@dataclass(frozen=True)
class Keyset:
    """A total order over rows (ending with a unique key) and the cursors that walk it."""

    name: str
    keys: Sequence[Key]
    value_of: Callable[[Any], tuple]  # a row -> its values for `keys`

    def order(self, queryset: QuerySet) -> QuerySet:
        return queryset.order_by(*(key.order_by for key in self.keys))

    def after(self, values: Sequence) -> Q:
        """Rows strictly after `values` in this order: (a > x) or (a = x and b > y) or ..."""
        branches = []
        for i, key in enumerate(self.keys):
            equal = {k.field: v for k, v in zip(self.keys[:i], values[:i], strict=True)}
            beyond = {f"{key.field}__{'lt' if key.descending else 'gt'}": values[i]}
            branches.append(Q(**equal, **beyond))
        return reduce(operator.or_, branches)

    def encode(self, row) -> str:
        raw = json.dumps([self.name, list(self.value_of(row))], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> list:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            data = json.loads(base64.b64decode(padded, altchars=b"-_", validate=True))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise BadCursor(self._message()) from None
        if not (isinstance(data, list) and len(data) == 2 and data[0] == self.name):
            raise BadCursor(self._message())
        values = data[1]
        if not isinstance(values, list) or len(values) != len(self.keys):
            raise BadCursor(self._message())
        for key, value in zip(self.keys, values, strict=True):
            # bool is an int in Python; a cursor never carries one.
            if type(value) is not key.kind or (key.kind is str and "\x00" in value):
                raise BadCursor(self._message())
        return values

    def _message(self) -> str:
        return _(
            "Kursor tidak valid. Gunakan kursor persis seperti tertulis di tautan 'next' dari "
            "halaman sebelumnya, atau hapus parameter cursor untuk mulai dari halaman pertama."
        )


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str | None


def page(queryset: QuerySet, keyset: Keyset, cursor: str | None, limit: int) -> Page:
    """One page of `limit` rows after the cursor (one query: limit + 1 rows tell if more follow)."""
    queryset = keyset.order(queryset)
    if cursor:
        queryset = queryset.filter(keyset.after(keyset.decode(cursor)))
    rows = list(queryset[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows=rows, next_cursor=keyset.encode(rows[-1]) if more else None)


def next_url(request, cursor: str | None) -> str | None:
    """The same request (filters, limit, format) continued at the cursor, as an absolute URL."""
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
