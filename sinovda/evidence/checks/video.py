"""Video evidence: an MP4's length against the edition's limit, and a link's shape (never fetched).

A link is well formed when it points at one video or file: YouTube (youtube.com/watch?v=ID,
youtu.be/ID, youtube.com/shorts/ID), Google Drive (drive.google.com/file/d/ID/view), and where the
edition allows them TikTok (tiktok.com/@account/video/ID) and Instagram (instagram.com/p|reel/ID).
A channel, a playlist or a Drive folder is not one video; a verifier cannot score it.
"""

import re
from urllib.parse import parse_qs, urlsplit

from django.utils.translation import gettext as _

from . import Result, Status

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_DRIVE_FILE = re.compile(r"^/file/d/([A-Za-z0-9_-]{10,})/(view|preview)/?$")
_TIKTOK = re.compile(r"^/@[\w.]+/video/\d+/?$")
_INSTAGRAM = re.compile(r"^/(p|reel|reels|tv)/[A-Za-z0-9_-]+/?$")
HOSTS = {
    "youtube": {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"},
    "drive": {"drive.google.com"},
    "tiktok": {"tiktok.com", "www.tiktok.com", "vm.tiktok.com", "vt.tiktok.com"},
    "instagram": {"instagram.com", "www.instagram.com"},
}
LINK_LABELS = {
    "youtube": "YouTube",
    "drive": "Google Drive",
    "tiktok": "TikTok",
    "instagram": "Instagram",
}


def minutes(seconds: float) -> str:
    whole = round(seconds)
    return _("%(m)s menit %(s)s detik") % {"m": whole // 60, "s": whole % 60}


def check_duration(seconds: float | None, max_seconds: int | None, *, source: str) -> Result | None:
    if seconds is None:
        return Result(
            "video",
            Status.UNKNOWN,
            _("Durasi video tidak dapat dibaca dari berkas MP4 ini."),
            {},
        )
    details = {"duration": round(seconds, 1), "max": max_seconds, "rule": source}
    values = {"length": minutes(seconds), "source": source}
    if max_seconds is None:
        return Result("video", Status.OK, _("Durasi video %(length)s.") % values, details)
    values["max"] = minutes(max_seconds)
    if seconds <= max_seconds:
        return Result(
            "video",
            Status.OK,
            _("Durasi video %(length)s, tidak lebih dari %(max)s (%(source)s).") % values,
            details,
        )
    return Result(
        "video",
        Status.PROBLEM,
        _(
            "Durasi video %(length)s, lebih dari batas %(max)s (%(source)s). Potong videonya "
            "menjadi paling lama %(max)s lalu unggah lagi."
        )
        % values,
        details,
    )


def link_kind(url: str) -> tuple[str, bool]:
    """("youtube", True) for a well-formed YouTube video link; ("", False) for another site."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return "", False
    host = (parts.hostname or "").lower()
    kind = next((k for k, hosts in HOSTS.items() if host in hosts), "")
    if not kind or parts.scheme not in ("http", "https"):
        return kind, False
    path = parts.path
    if kind == "youtube":
        if host == "youtu.be":
            return kind, bool(_YOUTUBE_ID.match(path.strip("/")))
        if path.rstrip("/") == "/watch":
            return kind, bool(_YOUTUBE_ID.match((parse_qs(parts.query).get("v") or [""])[0]))
        match = re.match(r"^/(shorts|live|embed)/([^/]+)/?$", path)
        return kind, bool(match and _YOUTUBE_ID.match(match.group(2)))
    if kind == "drive":
        return kind, bool(_DRIVE_FILE.match(path))
    if kind == "tiktok":
        return kind, host.startswith(("vm.", "vt.")) or bool(_TIKTOK.match(path))
    return kind, bool(_INSTAGRAM.match(path))


def check_link(url: str, allowed: tuple[str, ...], *, source: str) -> Result | None:
    """`allowed`: the link kinds the edition accepts for this indicator (empty: no rule; then only
    links to a known video site are checked, for their shape)."""
    if not url:
        return None
    kind, well_formed = link_kind(url)
    details = {"url": url, "kind": kind, "allowed": list(allowed), "rule": source}
    accepted = ", ".join(LINK_LABELS[k] for k in allowed)
    if kind and not well_formed:
        return Result(
            "link",
            Status.PROBLEM,
            _(
                "Tautan %(site)s ini tidak menunjuk ke satu video atau berkas (misalnya tautan "
                "kanal, daftar putar atau folder). Salin tautan video/berkasnya sendiri, misalnya "
                "https://youtu.be/… atau https://drive.google.com/file/d/…/view."
            )
            % {"site": LINK_LABELS[kind]},
            details,
        )
    if kind and (not allowed or kind in allowed):
        return Result(
            "link",
            Status.OK,
            _("Tautan %(site)s berbentuk benar (isinya tidak dibuka).")
            % {"site": LINK_LABELS[kind]},
            details,
        )
    if not allowed:
        return None
    return Result(
        "link",
        Status.WARNING,
        _(
            "Tautan ini bukan %(accepted)s yang diminta pedoman (%(source)s). Pastikan verifikator "
            "dapat membukanya tanpa masuk akun."
        )
        % {"accepted": accepted, "source": source},
        details,
    )
