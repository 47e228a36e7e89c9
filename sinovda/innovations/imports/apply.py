"""Write a checked import plan, all or nothing, as the same changes typed by hand would be.

Each row is what the operator would otherwise do in the forms: `actions.create_submission`, then
`actions.save_profile` with the filled fields, then `actions.save_answer` for each level (for an
existing report: `save_profile` with the changed fields and `save_answer` for each changed level).
Calling those functions row by row costs some 20 queries per answer (about 8 minutes for 5,000
rows of 20 indicators), so this module does the same work in bulk:

- the same rules, checked again on the locked rows: who may change what (`actions.may_edit`, an
  operator only for their own OPD), editable states, the cycle's dates (`windows`), unique names,
  valid indicators and levels (`rules.check_indicator`);
- the same optimistic locking: each report is written with `UPDATE … WHERE version = <version at
  preview>`, and a report changed since the preview (or a new one with a name taken since) refuses
  the whole import with the conflict message;
- the same data: versions bumped once per action, a changed claim sent back for review, the
  profile split between columns and profile_extra by `profile.split_values`;
- the same audit rows, action by action, with the same before/after (`submission.create`,
  `submission.edit_profile`, `answer.claim`), plus one `submission.import` row for the file.

tests/web/test_import.py applies one plan both ways and compares the rows and the audit trail, so
a change to the actions that this module does not follow fails there.
"""

from contextlib import closing
from itertools import chain
from operator import attrgetter, itemgetter
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinovda.audit.context import current_ip
from sinovda.audit.models import AuditEvent, record
from sinovda.regions.models import Agency

from .. import actions, profile, rules, windows
from ..models import EDITABLE_STATES, Answer, Innovation, ReviewState, State, Submission
from . import layout
from .plan import CHANGE, CREATE, Plan

BATCH = 500  # rows per INSERT / IN (…) list (SQLite allows 999 parameters per query)
FLUSH_ROWS = 5000  # answers or audit rows kept in memory before they are written
# Values the database adapter must convert (on both SQLite and PostgreSQL); others pass as they are.
CONVERTED = {"DateTimeField", "DateField", "JSONField", "GenericIPAddressField", "DecimalField"}

IMPORT_STALE = gettext_lazy(
    "Data laporan sudah berubah sejak pratinjau dibuat (baris %(row)s: %(name)s). Tidak ada "
    "yang disimpan. Unggah berkasnya lagi untuk melihat pratinjau terbaru."
)


class ImportConflict(actions.StaleEdit):
    """A report changed (or a name was taken) since the preview: nothing was written."""


def _chunks(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stale(entry):
    return ImportConflict(str(IMPORT_STALE) % {"row": entry.row, "name": entry.name})


def _refuse_if(message):
    if message:
        raise actions.ActionRefused(message)


class Table:
    """Multi-row INSERTs into `model`: what bulk_create writes, without a model instance per
    row, which is most of the cost for a hundred thousand answers and audit rows.

    Each row is a tuple of the values of `names` (attnames), in that order, already adapted for
    the database where the column needs it (`adapt`); every other column gets its field's
    default, and auto_now columns the time the table was made."""

    def __init__(self, model, names: tuple[str, ...]):
        self.db = db = connections[model.objects.db]  # the connection, not the per-call proxy
        self.model = model
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.now = now = timezone.now()
        defaults = []
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults.append(f.get_db_prep_save(now, db))
            else:
                default = f.get_default()
                if default is not None and f.get_internal_type() in CONVERTED:
                    default = f.get_db_prep_save(default, db)
                defaults.append(default)
        self.defaults = tuple(defaults)
        # A row is `values + defaults` picked into the columns' order in one C call.
        where = {name: index for index, name in enumerate(names)}
        self.pick = itemgetter(
            *[where.get(f.attname, len(names) + index) for index, f in enumerate(fields)]
        )
        self.width = len(fields)
        quote = db.ops.quote_name
        # Names come from the model's metadata; every value is a query parameter.
        self.head = "INSERT INTO {} ({}) VALUES ".format(  # noqa: S608
            quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
        )
        limit = db.features.max_query_params or BATCH * len(fields)
        self.per_statement = max(1, min(BATCH, limit // len(fields)))
        self.rows: list[tuple] = []

    def adapt(self, name: str, value):
        """`value` for the column `name` as the database adapter takes it."""
        if value is None:
            return None
        return self.model._meta.get_field(name).get_db_prep_save(value, self.db)

    def add(self, values: tuple) -> None:
        self.rows.append(self.pick(values + self.defaults))
        if len(self.rows) >= FLUSH_ROWS:
            self.flush()

    def flush(self, *, returning: bool = False) -> list:
        """Write the rows added so far; with `returning`, the new primary keys in row order
        (multi-row INSERT … RETURNING gives them in order on SQLite and PostgreSQL, as Django's
        bulk_create relies on)."""
        rows, self.rows = self.rows, []
        if not rows:
            return []
        db = self.db
        db.ensure_connection()
        tail = f" RETURNING {db.ops.quote_name(self.model._meta.pk.column)}" if returning else ""
        if db.vendor != "sqlite":
            return self._execute_many(rows, tail, returning)
        # Django's SQLite cursor rewrites every %s of the statement into ? with a regular
        # expression, a tenth of the import's writing time for statements of thousands of
        # parameters; the driver's own cursor takes ? as it is. Errors are still Django's.
        marks = "({})".format(", ".join(["?"] * self.width))
        keys = []
        with db.wrap_database_errors, closing(db.connection.cursor()) as cursor:
            for chunk in _chunks(rows, self.per_statement):
                cursor.execute(
                    self.head + ", ".join([marks] * len(chunk)) + tail,
                    list(chain.from_iterable(chunk)),
                )
                if returning:
                    keys.extend(row[0] for row in cursor.fetchall())
        return keys

    def _execute_many(self, rows, tail, returning) -> list:
        """PostgreSQL: psycopg parses a statement's placeholders in Python each time it runs a
        long one (a multi-row INSERT of thousands of parameters cost more than the server), so
        one single-row statement runs for every row (executemany: parsed once, pipelined)."""
        db = self.db
        statement = "{}({}){}".format(self.head, ", ".join(["%s"] * self.width), tail)
        keys = []
        with db.wrap_database_errors, db.connection.cursor() as cursor:
            cursor.executemany(statement, rows, returning=returning)
            if returning:
                while True:
                    keys.append(cursor.fetchone()[0])
                    if not cursor.nextset():
                        break
        return keys


def insert_objects(model, objects: list) -> None:
    """bulk_create for new model instances (every value adapted by its field, auto_now fields
    set to now, primary keys set back), as one Table: bulk_create's SQL compiler costs more
    than the database for the thousands of reports of an import."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = tuple(f.attname for f in fields)
    table = Table(model, names)
    db = table.db
    auto = [
        f.attname
        for f in fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    values_of = attrgetter(*names)
    # Only these columns need the field's adaptation; the others hold str, int, bool or None.
    converted = [
        (index, f)
        for index, f in enumerate(fields)
        if f.get_internal_type() in CONVERTED and f.attname not in auto
    ]
    for obj in objects:
        for name in auto:
            setattr(obj, name, table.now)
        values = list(values_of(obj))
        for index, field in converted:
            if values[index] is not None:
                values[index] = field.get_db_prep_save(values[index], db)
        table.rows.append(tuple(values))
    keys = table.flush(returning=True)
    for obj, key in zip(objects, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = db.alias


AUDIT_COLUMNS = (
    "action",
    "actor_id",
    "object_type",
    "object_id",
    "object_repr",
    "region_id",
    "before",
    "after",
    "ip",
)


class _Audit:
    """Audit rows exactly as `audit.models.record` writes them, inserted in batches."""

    def __init__(self, access):
        self.table = Table(AuditEvent, AUDIT_COLUMNS)
        user = access.user
        self.actor_id = user.pk if getattr(user, "is_authenticated", False) else None
        self.region_id = access.region.pk
        self.ip = self.table.adapt("ip", current_ip.get())
        self.encoded: dict[tuple, object] = {}

    def encoded_once(self, name: str, key, value):
        """`value` for the JSON column `name`, adapted once per `key` (the same audit JSON for
        thousands of rows is encoded once)."""
        found = self.encoded.get((name, key))
        if found is None:
            found = self.encoded[(name, key)] = self.table.adapt(name, value)
        return found

    def add(self, action, obj, *, before=None, after=None, label=None, encoded=False):
        """One row; `encoded` when before and after come from `encoded_once`."""
        if not encoded:
            before, after = self.table.adapt("before", before), self.table.adapt("after", after)
        self.table.add(
            (
                action,
                self.actor_id,
                obj._meta.label_lower,
                str(obj.pk),
                label if label is not None else str(obj)[:200],
                self.region_id,
                before,
                after,
                self.ip,
            )
        )

    def flush(self):
        self.table.flush()


def _claim(level, link="", reply=""):
    """What `actions.judged` reads of an answer, without a model instance."""
    return SimpleNamespace(claimed_level=level, link=link, reply=reply)


@transaction.atomic
def apply_plan(access, cycle, plan: Plan, *, today=None) -> dict:
    """Write `plan` (validate.validate) in `cycle`; returns how many reports were created,
    changed and left as they were. Raises ActionRefused (ImportConflict for a conflict) or
    PermissionDenied, and then nothing is written."""
    if plan.problems:
        raise actions.ActionRefused(
            _("Berkas ini masih bermasalah. Perbaiki masalahnya lalu unggah lagi.")
        )
    if plan.cycle_id != cycle.pk or cycle.region_id != access.region.pk:
        raise PermissionDenied
    edition = cycle.edition.spec()
    if plan.digest != layout.edition_digest(cycle.edition):
        raise ImportConflict(
            _("Pedoman siklus ini diubah sejak pratinjau dibuat. Unggah berkasnya lagi.")
        )
    writer = _Writer(access, cycle, edition, today)
    reports = writer.lock(plan)
    for entry in plan.entries:
        if entry.action == CREATE:
            writer.check_create(entry)
        elif entry.action == CHANGE:
            writer.check_change(entry, reports[entry.submission_id])
    writer.create([e for e in plan.entries if e.action == CREATE])
    writer.change([(e, reports[e.submission_id]) for e in plan.entries if e.action == CHANGE])
    writer.audit.flush()
    counts = {"created": plan.created, "changed": plan.changed, "unchanged": plan.unchanged}
    record(
        "submission.import",
        actor=access.user,
        obj=cycle,
        region=access.region,
        after={"file": plan.file_name, "agency": plan.agency_id, **counts},
    )
    return counts


class _Writer:
    def __init__(self, access, cycle, edition, today):
        self.access, self.cycle, self.edition, self.today = access, cycle, edition, today
        self.user = access.user
        self.audit = _Audit(access)
        self.names: dict[str, set[int]] = {}
        self.agencies: dict[int, object] = {}
        self.levels_checked: set[tuple] = set()

    # --- checks, on the rows as they are now -------------------------------------------------

    def lock(self, plan: Plan) -> dict[int, Submission]:
        """The reports the plan names, locked, each still at the version the preview saw."""
        ids = [e.submission_id for e in plan.entries if e.submission_id]
        reports: dict[int, Submission] = {}
        for chunk in _chunks(ids):
            for report in (
                Submission.objects.select_for_update(of=("self",))
                .filter(pk__in=chunk, cycle=self.cycle)
                .select_related("innovation__agency")
            ):
                report.cycle = self.cycle
                reports[report.pk] = report
        for entry in plan.entries:
            if entry.submission_id:
                report = reports.get(entry.submission_id)
                if report is None or report.version != entry.version:
                    raise _stale(entry)
        for pk, name in (
            Submission.objects.filter(cycle=self.cycle)
            .exclude(state=State.WITHDRAWN)
            .values_list("pk", "name")
        ):
            self.names.setdefault(name.strip().casefold(), set()).add(pk)
        wanted = {e.agency_id for e in plan.entries if e.action == CREATE}
        self.agencies = {a.pk: a for a in Agency.objects.filter(pk__in=wanted)}
        return reports

    def _name_taken(self, name, exclude=None) -> bool:
        return bool(self.names.get(name.strip().casefold(), set()) - {exclude})

    def check_create(self, entry):
        """actions.create_submission's rules, then save_profile's and save_answer's."""
        agency = self.agencies.get(entry.agency_id)
        access = self.access
        if agency is None or agency.region_id != access.region.pk:
            raise PermissionDenied
        if not (access.can_manage or (access.agency is not None and access.agency.pk == agency.pk)):
            raise PermissionDenied
        _refuse_if(windows.create_refusal(self.cycle, self.today))
        if self._name_taken(entry.name):
            raise _stale(entry)
        self.names.setdefault(entry.name.strip().casefold(), set()).add(-entry.row)
        profile.split_values(self.edition, entry.profile)  # an unknown field is a bug: raise
        self._check_levels(entry)

    def _check_levels(self, entry):
        """rules.check_indicator (a pure function), once per indicator and level."""
        for pair in entry.levels.items():
            if pair not in self.levels_checked:
                rules.check_indicator(self.edition, *pair)
                self.levels_checked.add(pair)

    def check_change(self, entry, report):
        """save_profile's and save_answer's rules."""
        if not actions.may_edit(self.access, report):
            raise PermissionDenied
        if report.state not in EDITABLE_STATES:
            raise actions.ActionRefused(_("Laporan yang sudah dikirim tidak dapat diubah."))
        _refuse_if(windows.edit_refusal(report, self.today))
        if "name" in entry.profile:
            if self._name_taken(entry.profile["name"], exclude=report.pk):
                raise _stale(entry)
            self.names.setdefault(entry.profile["name"].strip().casefold(), set()).add(report.pk)
        profile.split_values(self.edition, entry.profile)
        self._check_levels(entry)

    # --- new reports ---------------------------------------------------------------------------

    def create(self, entries):
        if not entries:
            return
        innovations = [
            Innovation(
                region=self.access.region,
                agency_id=e.agency_id,
                name=e.name,
                created_by=self.user,
            )
            for e in entries
        ]
        insert_objects(Innovation, innovations)
        reports, profiles = [], []
        for entry, innovation in zip(entries, innovations, strict=True):
            report = Submission(
                innovation=innovation, cycle=self.cycle, name=entry.name, created_by=self.user
            )
            profiles.append(self._set_profile(report, entry.profile) if entry.profile else None)
            report.version = 1 + (1 if entry.profile else 0) + len(entry.levels)
            reports.append(report)
        insert_objects(Submission, reports)
        answers = Table(
            Answer, ("submission_id", "indicator_code", "claimed_level", "claimed_by_id")
        )
        unclaimed = actions.judged(_claim(None), [])
        audit = self.audit
        claims: dict[tuple, tuple] = {}  # (code, level) -> the audit's before and after JSON
        user_id = self.user.pk
        for entry, report, changed in zip(entries, reports, profiles, strict=True):
            label = str(report)[:200]
            audit.add(
                "submission.create",
                report,
                after={"name": entry.name, "agency": entry.agency_id, "cycle": self.cycle.pk},
                label=label,
            )
            if changed is not None:
                before, after = changed
                self._audit_profile(report, before, after)
            for code, level in entry.levels.items():
                answers.add((report.pk, code, level, user_id))
                # A new claim's audit row: the same JSON for every report (save_answer's shape).
                encoded = claims.get((code, level))
                if encoded is None:
                    after = {
                        **actions.judged(_claim(level), []),
                        "review_state": ReviewState.PENDING,
                    }
                    encoded = claims[(code, level)] = (
                        audit.encoded_once("before", code, {code: unclaimed}),
                        audit.encoded_once("after", (code, level), {code: after}),
                    )
                audit.add(
                    "answer.claim",
                    report,
                    before=encoded[0],
                    after=encoded[1],
                    label=label,
                    encoded=True,
                )
        answers.flush()

    # --- changed reports -------------------------------------------------------------------------

    def change(self, pairs):
        if not pairs:
            return
        answers = self._answers([report for entry, report in pairs if entry.levels])
        documents = self._documents(answers.values())
        created, updated = [], []
        for entry, report in pairs:
            expected = report.version
            fields = {}
            changed = None
            if entry.profile:
                changed = self._set_profile(report, entry.profile, fields)
            report.version = expected + (1 if entry.profile else 0) + len(entry.levels)
            written = Submission.objects.filter(pk=report.pk, version=expected).update(
                version=report.version, updated_at=timezone.now(), **fields
            )
            if not written:
                raise _stale(entry)
            if "name" in fields and fields["name"] != report.innovation.name:
                Innovation.objects.filter(pk=report.innovation_id).update(name=fields["name"])
            if changed is not None:
                self._audit_profile(report, *changed)
            for code, level in entry.levels.items():
                answer = answers.get((report.pk, code))
                if answer is None:
                    answer = Answer(submission=report, indicator_code=code)
                    before = actions.judged(answer, [])
                    created.append(answer)
                    picked = []
                else:
                    picked = documents.get(answer.pk, [])
                    before = actions.judged(answer, picked)
                    updated.append(answer)
                answer.claimed_level = level
                after = actions.judged(answer, picked)
                if before != after:  # as actions._apply_claim: a new claim is judged again
                    answer.review_state, answer.verified_level = ReviewState.PENDING, None
                    answer.reviewed_by = answer.reviewed_at = None
                    answer.claimed_by = self.user
                self._audit_claim(report, code, before, after, answer.review_state)
        Answer.objects.bulk_create(created, batch_size=BATCH)
        Answer.objects.bulk_update(
            updated,
            [
                "claimed_level",
                "review_state",
                "verified_level",
                "reviewed_by",
                "reviewed_at",
                "claimed_by",
            ],
            batch_size=BATCH,
        )

    def _answers(self, reports) -> dict[tuple[int, str], Answer]:
        found = {}
        for chunk in _chunks([r.pk for r in reports]):
            for answer in Answer.objects.filter(submission_id__in=chunk):
                found[(answer.submission_id, answer.indicator_code)] = answer
        return found

    def _documents(self, answers) -> dict[int, list]:
        """The documents of each answer, as `judged` lists them (pks)."""
        through = Answer.documents.through
        found: dict[int, list] = {}
        for chunk in _chunks([a.pk for a in answers]):
            for answer_id, document_id in through.objects.filter(answer_id__in=chunk).values_list(
                "answer_id", "document_id"
            ):
                found.setdefault(answer_id, []).append(_Pk(document_id))
        return found

    # --- shared with actions.save_profile / save_answer -------------------------------------

    def _set_profile(self, report, values, fields=None) -> tuple[dict, dict]:
        """Set the values on `report` as save_profile does; returns the audited profile before
        and after. `fields` collects the column values to write."""
        columns, extra = profile.split_values(self.edition, values)
        before = actions.audited_profile(
            report
        )  # the audited profile, exactly as save_profile has it
        if extra:
            columns["profile_extra"] = profile.merged_extra(report.profile_extra, extra)
        for name, value in columns.items():
            setattr(report, name, value)
        if fields is not None:
            fields.update(columns)
        return before, actions.audited_profile(report)

    def _audit_profile(self, report, before, after):
        changed = [f for f in {**before, **after} if before.get(f) != after.get(f)]
        self.audit.add(
            "submission.edit_profile",
            report,
            before={f: before.get(f) for f in changed},
            after={f: after.get(f) for f in changed},
        )

    def _audit_claim(self, report, code, before, after, review_state):
        self.audit.add(
            "answer.claim",
            report,
            before={code: before},
            after={code: {**after, "review_state": review_state}},
        )


class _Pk:
    """A stand-in for a Document in `actions.judged`, which reads only its pk."""

    __slots__ = ("pk",)

    def __init__(self, pk):
        self.pk = pk


# --- carry-over in bulk ----------------------------------------------------------------------


class CarryRefused(actions.ActionRefused):
    """One report could not be carried over, so none was."""


@transaction.atomic
def carry_over_all(access, sources, cycle, *, note: str) -> list[Submission]:
    """`actions.carry_over` for each of `sources` (last year's reports), all or nothing."""
    carried = []
    for source in sources:
        try:
            carried.append(actions.carry_over(access, source, cycle, note=note))
        except (actions.ActionRefused, rules.RuleError) as error:
            raise CarryRefused(
                _("“%(name)s”: %(message)s") % {"name": source.name, "message": error.message}
            ) from error
    return carried
