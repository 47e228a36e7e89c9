"""What an import will do: a `Plan` of entries (created, changed, unchanged) and problems.

The plan is what the preview shows and what the confirmation applies; between the two it is kept
on the server as JSON (stash.py), so `to_json` and `from_json` give it back with the same types
the profile form gives (dates, decimals, lists).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

CREATE, CHANGE, SAME = "create", "change", "same"


@dataclass
class Change:
    column: str
    before: str
    after: str


@dataclass
class Problem:
    row: int  # the Excel row number (1 = the header row)
    column: str  # the column's header ("" when about the whole row)
    message: str


@dataclass
class Entry:
    """One data row that passed every check."""

    row: int
    action: str  # CREATE, CHANGE or SAME
    name: str
    agency_id: int
    agency: str  # the OPD's short name, for the preview
    public_id: str = ""
    submission_id: int | None = None
    version: int | None = None  # the report's version when the preview was made
    # Values to save, keyed by form field name: every filled value for a new report, only the
    # changed ones for an existing one (the name is in `name`).
    profile: dict = field(default_factory=dict)
    levels: dict = field(default_factory=dict)  # SID row code -> level (None = cleared)
    changes: list[Change] = field(default_factory=list)


@dataclass
class Plan:
    cycle_id: int
    agency_id: int | None  # the template's OPD; None for the whole Pemda
    digest: str  # of the edition the file was checked against
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    file_name: str = ""

    def count(self, action: str) -> int:
        return sum(1 for e in self.entries if e.action == action)

    @property
    def created(self) -> int:
        return self.count(CREATE)

    @property
    def changed(self) -> int:
        return self.count(CHANGE)

    @property
    def unchanged(self) -> int:
        return self.count(SAME)

    @property
    def has_work(self) -> bool:
        return not self.problems and any(e.action != SAME for e in self.entries)


def _encode(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


_DECODERS = {"date": datetime.date.fromisoformat, "number": Decimal}


def _decoders(edition) -> dict:
    """How each profile field's JSON value is typed again (only dates and numbers need it)."""
    return {pf.code: _DECODERS[pf.type] for pf in edition.profile_fields if pf.type in _DECODERS}


def to_json(plan: Plan) -> dict:
    """The plan as plain JSON values (by hand: dataclasses.asdict deep-copies every value)."""
    entries = []
    for entry in plan.entries:
        data = dict(vars(entry))
        data["profile"] = {k: _encode(v) for k, v in entry.profile.items()}
        data["changes"] = [vars(c) for c in entry.changes]
        entries.append(data)
    return {
        "cycle_id": plan.cycle_id,
        "agency_id": plan.agency_id,
        "digest": plan.digest,
        "entries": entries,
        "problems": [vars(p) for p in plan.problems],
        "file_name": plan.file_name,
    }


def from_json(data: dict, edition) -> Plan:
    """The plan `to_json` gave, its values typed again by the edition's profile fields."""
    entries = []
    decoders = _decoders(edition)
    for raw in data["entries"]:
        raw = dict(raw)
        raw["profile"] = {
            k: v if v is None or k not in decoders else decoders[k](v)
            for k, v in raw["profile"].items()
        }
        raw["changes"] = [Change(**c) for c in raw["changes"]]
        entries.append(Entry(**raw))
    return Plan(
        cycle_id=data["cycle_id"],
        agency_id=data["agency_id"],
        digest=data["digest"],
        entries=entries,
        problems=[Problem(**p) for p in data["problems"]],
        file_name=data.get("file_name", ""),
    )
