"""The checked plan, kept on the server between the preview and the confirmation.

The browser only ever holds a random token: nothing in the preview page can be edited into the
import, and the file is not sent twice. A stash belongs to the person and the Pemda it was made
for, and expires after TTL; stale ones are deleted whenever a new one is made.
"""

import datetime
import gzip
import json
import logging
import re
import secrets

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from sinovda.lib.storage import private_storage

from .plan import Plan, from_json, to_json

logger = logging.getLogger(__name__)

FOLDER = "imports"
TTL = datetime.timedelta(hours=2)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def _name(token: str) -> str:
    return f"{FOLDER}/{token}.json.gz"


def save(plan: Plan, *, user, region) -> str:
    """Keep `plan` for `user` in `region`; returns the token that fetches it back."""
    prune()
    token = secrets.token_urlsafe(24)
    payload = {
        "user": user.pk,
        "region": region.pk,
        "created": timezone.now().isoformat(),
        "plan": to_json(plan),
    }
    data = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False).encode("utf-8")
    private_storage().save(_name(token), ContentFile(gzip.compress(data, compresslevel=1)))
    return token


def load(token: str, *, user, region, edition) -> Plan | None:
    """The plan behind `token` if it is this person's, for this Pemda, and not expired."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    storage = private_storage()
    try:
        with storage.open(_name(token), "rb") as handle:
            payload = json.loads(gzip.decompress(handle.read()))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError):
        logger.warning("unreadable import stash %s", token, exc_info=True)
        return None
    if payload.get("user") != user.pk or payload.get("region") != region.pk:
        return None
    created = datetime.datetime.fromisoformat(payload["created"])
    if timezone.now() - created > TTL:
        discard(token)
        return None
    return from_json(payload["plan"], edition)


def discard(token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        private_storage().delete(_name(token))


def prune(now=None) -> int:
    """Delete stashes older than TTL; returns how many."""
    storage = private_storage()
    now = now or timezone.now()
    try:
        _folders, files = storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in files:
        path = f"{FOLDER}/{name}"
        try:
            if now - storage.get_modified_time(path) > TTL:
                storage.delete(path)
                removed += 1
        except FileNotFoundError:
            continue  # removed by another request meanwhile
    return removed
