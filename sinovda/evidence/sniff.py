"""What kind of file is this? Decided from the bytes only, never from the name or the browser's word.

The rule is an allow-list: a file is accepted only when its first bytes are those of a PDF, JPEG, PNG
or MP4 and the rest passes the checks below. Everything else is refused. The deny-list further down
(markup, scripts, programs, archives, other picture formats) only chooses a more helpful message; it is
not what keeps bad files out.

Beyond the first bytes, two scans run over the whole file:

* Polyglots. A file that is a valid JPEG (or PDF, PNG, MP4) and at the same time a valid ZIP, RAR or 7z
  archive, or a PDF, is refused: such a file means one thing to us and another to the program that
  opens it. We look for the archive records an unpacker uses (ZIP local file header, central directory
  header, end-of-central-directory record; RAR and 7z signatures) anywhere in the file. A four-byte
  ``PK\\x03\\x04`` occurs by chance about once per 4 GB of random data, which in a 50 MB video is a real
  chance, so each ZIP record must also carry plausible fields (version, compression method, disk
  numbers) before it counts; that makes an accidental match practically impossible while a working
  archive still always matches.

* Active content in PDFs. See ``scan_pdf``.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import NoReturn

from django.utils.translation import gettext_lazy as _

# --- what we accept ---------------------------------------------------------------------------------

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "mp4": "video/mp4",
}
LABELS = {"pdf": "PDF", "jpg": "JPG", "png": "PNG", "mp4": "MP4"}
# Names an edition or a person may use for a kind (the editions say both JPG and JPEG).
KIND_ALIASES = {
    "PDF": "pdf",
    "JPG": "jpg",
    "JPEG": "jpg",
    "PNG": "png",
    "MP4": "mp4",
    "M4V": "mp4",
}
# ISO base media files whose major or a compatible brand is one of these are MP4 video. QuickTime
# ("qt  ", iPhone .MOV) is deliberately not here: it is a different container, and we would store and
# serve it as video/mp4. The message tells the person to export as MP4 or give a link instead.
MP4_BRANDS = frozenset(
    {
        b"isom",
        b"iso2",
        b"iso3",
        b"iso4",
        b"iso5",
        b"iso6",
        b"mp41",
        b"mp42",
        b"avc1",
        b"M4V ",
        b"MSNV",
    }
)

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

HEAD_BYTES = 4096  # how much of the start `detect_kind` needs


class Refused(Exception):
    """The file cannot be accepted. `message` says (in Indonesian) why and how to fix it."""

    def __init__(self, message, code: str):
        super().__init__(str(message))
        self.message = message
        self.code = code


def label_list(kinds) -> str:
    """Kinds in words: PDF; JPG atau PNG; PDF, JPG atau PNG."""
    labels = [LABELS[k] for k in kinds]
    if len(labels) <= 1:
        return "".join(labels)
    return _("%(first)s atau %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def normalise_kinds(names) -> tuple[str, ...]:
    """Edition kind names ("JPEG", "JPG", "PNG", "MOV", "URL") to our kinds, in order, without repeats.
    Names that are not a file kind we store (MOV, URL) are dropped."""
    kinds: list[str] = []
    for name in names:
        kind = KIND_ALIASES.get(str(name).strip().upper().lstrip("."))
        if kind and kind not in kinds:
            kinds.append(kind)
    return tuple(kinds)


NOT_ACCEPTED = _(
    "Berkas ini bukan PDF, JPG, PNG atau MP4. Unggah dokumen dalam salah satu jenis itu."
)


def _refuse(what, fix, code) -> NoReturn:
    """Refuse with what the file is and what to do about it (two translated sentences)."""
    raise Refused(f"{what} {fix}", code)


# --- the first bytes --------------------------------------------------------------------------------


def _mp4_brands(head: bytes) -> list[bytes] | None:
    """The brands of an ISO BMFF `ftyp` box at the start, or None when there is none."""
    if len(head) < 16 or head[4:8] != b"ftyp":
        return None
    size = int.from_bytes(head[0:4], "big")
    if size < 16 or size > min(len(head), 1024) or size % 4:
        return None
    brands = [head[8:12]]  # major brand; head[12:16] is the minor version
    brands += [head[i : i + 4] for i in range(16, size, 4)]
    return brands


def detect_kind(head: bytes) -> str:
    """The kind ("pdf", "jpg", "png", "mp4") from the first bytes of a file, or `Refused`."""
    if not head:
        raise Refused(_("Berkas ini kosong (0 byte). Periksa berkasnya lalu unggah lagi."), "empty")
    if head.startswith(PDF_MAGIC):
        return "pdf"
    if head.startswith(JPEG_MAGIC):
        return "jpg"
    if head.startswith(PNG_MAGIC):
        return "png"
    brands = _mp4_brands(head)
    if brands is not None:
        if any(b in MP4_BRANDS for b in brands):
            return "mp4"
        if b"qt  " in brands:
            _refuse(
                _("Berkas ini video QuickTime (MOV), bukan MP4."),
                _(
                    "Ekspor videonya sebagai MP4, atau unggah ke layanan video dan cantumkan tautannya."
                ),
                "quicktime",
            )
        if brands[0] in {b"heic", b"heix", b"mif1", b"msf1", b"hevc", b"avif"}:
            _refuse(
                _("Berkas ini foto HEIC/AVIF."),
                _(
                    "Ubah foto ke JPG (misalnya ambil tangkapan layar atau ekspor sebagai JPG) lalu unggah lagi."
                ),
                "heic",
            )
        _refuse(
            _("Berkas video ini bukan MP4 yang dikenali."),
            _("Ekspor videonya sebagai MP4 (H.264) lalu unggah lagi."),
            "video",
        )
    _explain_refusal(head)


_TEXT_START = re.compile(rb"[ \t\r\n\x0c]*")
_OFFICE = _("Simpan dokumennya sebagai PDF lalu unggah PDF-nya.")


def _explain_refusal(head: bytes) -> NoReturn:
    """Raise `Refused` with the most helpful message for a file that is none of our kinds."""
    text = head
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    elif text.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = text[2:].decode("utf-16-le" if text[0] == 0xFF else "utf-16-be", "ignore")
            text = text.encode("utf-8", "ignore")
        except UnicodeError:  # pragma: no cover - "ignore" never raises
            text = b""
    text = text[_TEXT_START.match(text).end() :]
    if text[:5].lower() == b"<?php" or text.startswith(b"#!"):
        _refuse(
            _("Berkas ini berisi skrip program, bukan dokumen."),
            _("Unggah dokumennya sebagai PDF, JPG, PNG atau MP4."),
            "script",
        )
    if text.startswith(b"<"):
        _refuse(
            _("Berkas ini halaman web atau gambar SVG/XML, bukan PDF, JPG, PNG atau MP4."),
            _(
                "Cetak atau simpan halamannya sebagai PDF, atau ubah gambarnya ke PNG, lalu unggah lagi."
            ),
            "markup",
        )
    executables = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf")
    executables += (b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\x00asm")
    if head.startswith(executables):
        _refuse(
            _("Berkas ini program komputer, bukan dokumen."),
            _("Unggah dokumennya sebagai PDF, JPG, PNG atau MP4."),
            "executable",
        )
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        _refuse(
            _(
                "Berkas ini arsip ZIP (dokumen Word, Excel dan PowerPoint baru seperti DOCX juga ZIP)."
            ),
            _(
                "Simpan dokumennya sebagai PDF, atau ekstrak arsipnya dan unggah isinya satu per satu."
            ),
            "archive",
        )
    archives = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")
    if head.startswith(archives) or head[257:262] == b"ustar":
        _refuse(
            _("Berkas ini arsip terkompresi (RAR, 7z, gzip atau sejenisnya)."),
            _("Ekstrak arsipnya lalu unggah dokumennya satu per satu."),
            "archive",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        _refuse(_("Berkas ini dokumen Office lama (DOC/XLS/PPT)."), _OFFICE, "office")
    pictures = (b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")
    if head.startswith(pictures) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        _refuse(
            _("Gambar dalam format ini (misalnya GIF, BMP, TIFF atau WebP) tidak diterima."),
            _("Simpan gambarnya sebagai PNG atau JPG lalu unggah lagi."),
            "picture",
        )
    raise Refused(NOT_ACCEPTED, "unknown")


# --- polyglots --------------------------------------------------------------------------------------

# ZIP records with plausible fields (little-endian): local file header with "version needed" <= 6.3
# and a known compression method; central directory header likewise; end of central directory on
# disk 0 (or 0xFFFF in ZIP64 archives). RAR, 7z: their full signatures. A PDF inside another kind.
_ANY = rb"[\x00-\xff]"
_METHOD = rb"[\x00\x01\x06\x08\x09\x0c\x0e\x12\x13\x5d\x5e\x5f\x60\x61\x62\x63]\x00"
_ZIP_LOCAL = rb"PK\x03\x04[\x00-\x3f]\x00" + _ANY * 2 + _METHOD
_ZIP_CENTRAL = rb"PK\x01\x02" + _ANY * 2 + rb"[\x00-\x3f]\x00" + _ANY * 2 + _METHOD
_ZIP_END = rb"PK\x05\x06(?:\x00\x00\x00\x00|\xff\xff\xff\xff)"
_OTHER_ARCHIVES = rb"Rar!\x1a\x07|7z\xbc\xaf\x27\x1c"
_EMBEDDED = re.compile(b"|".join([_ZIP_LOCAL, _ZIP_CENTRAL, _ZIP_END, _OTHER_ARCHIVES]))
_EMBEDDED_PDF = re.compile(re.escape(PDF_MAGIC))


def scan_polyglot(data, kind: str) -> None:
    """Refuse a file that also holds an archive (or, when it is not a PDF, a PDF)."""
    if _EMBEDDED.search(data) or (kind != "pdf" and _EMBEDDED_PDF.search(data)):
        _refuse(
            _(
                "Berkas %(kind)s ini juga berisi arsip atau dokumen lain yang tersembunyi di dalamnya."
            )
            % {"kind": LABELS[kind]},
            _("Buka berkasnya, simpan ulang (atau ekspor) sebagai %(kind)s baru, lalu unggah lagi.")
            % {"kind": LABELS[kind]},
            "polyglot",
        )


# --- active content in PDFs -------------------------------------------------------------------------

# A PDF can carry programs: JavaScript run when it is opened (/OpenAction or /AA with a /JavaScript
# action) or when a field changes; /Launch actions that start another program; embedded files
# (/EmbeddedFile, the usual way to smuggle an executable inside a "document"); Flash/3D rich media; XFA
# forms with their own scripts. Evidence is read by verifiers on office computers whose PDF readers are
# not always current, and none of these belongs in a letter, decree or report. So a PDF that has them is
# refused and the person is asked to print it to a plain PDF, which drops them.
#
# Long names are looked for everywhere (an accidental match in binary data is practically impossible);
# the short names JS and XFA (three bytes would match by chance in a large binary file) only where PDF
# objects can live: outside stream data, and inside object streams (/Type /ObjStm, PDF 1.5), which we
# inflate. Names are compared after undoing #xx escapes (/J#61vaScript is /JavaScript). Every Flate
# stream is inflated (bounded, see PDF_INFLATE_BUDGET) and searched for the long names too.
# Encrypted PDFs cannot be inspected and are refused; so are object streams with filters we do not
# decode.
PDF_LONG_NAMES = (
    b"EmbeddedFiles",
    b"EmbeddedFile",
    b"JavaScript",
    b"RichMedia",
    b"Launch",
    b"GoToE",
)
PDF_SHORT_NAMES = (b"XFA", b"JS")
PDF_INFLATE_BUDGET = 128 * 1024 * 1024  # inflated bytes examined per PDF at most (zip bombs)

_DELIMITERS = rb"[\x00\t\n\x0c\r ()<>\[\]{}/%]"


def _name_pattern(names) -> re.Pattern:
    """A regex for the PDF names `names`, each character literal or #xx-escaped, as a whole token."""
    alternatives = []
    for name in names:
        parts = []
        for byte in name:
            high, low = f"{byte:02x}".encode()
            hex_escape = b"#[%c%c][%c%c]" % (
                high,
                ord(chr(high).upper()),
                low,
                ord(chr(low).upper()),
            )
            parts.append(b"(?:" + re.escape(bytes([byte])) + b"|" + hex_escape + b")")
        alternatives.append(b"".join(parts))
    return re.compile(b"/(" + b"|".join(alternatives) + b")(?=" + _DELIMITERS + b")")


_LONG = _name_pattern(PDF_LONG_NAMES)
_ALL = _name_pattern(PDF_LONG_NAMES + PDF_SHORT_NAMES)
_ENCRYPT = _name_pattern([b"Encrypt"])
_PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_PDF_END_STREAM = re.compile(rb"endstream")
_PDF_OBJ = re.compile(rb"\d+\s+\d+\s+obj\b")
_INFLATE_STEP = 1024 * 1024
_CARRY = 64  # longer than any escaped name we look for, with its slash and delimiter
_UNINSPECTABLE = {
    b"LZWDecode",
    b"LZW",
    b"ASCII85Decode",
    b"A85",
    b"ASCIIHexDecode",
    b"AHx",
    b"RunLengthDecode",
    b"RL",
    b"Crypt",
    b"DecodeParms",
    b"DP",
}
_PICTURE = {b"Image", b"DCTDecode", b"DCT", b"JPXDecode", b"CCITTFaxDecode", b"CCF", b"JBIG2Decode"}


def _names(data) -> set[bytes]:
    """Every name in a (small) piece of PDF, with #xx escapes undone."""
    names = set()
    for match in _PDF_NAME.finditer(data):
        name = match.group(1)
        if b"#" in name:
            name = _PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        names.add(name)
    return names


def _refuse_active(match: re.Match) -> None:
    name = _PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
    _refuse(
        _("PDF ini berisi skrip, tindakan otomatis atau berkas tersemat (/%(name)s).")
        % {"name": name.decode("ascii", "replace")},
        _(
            "Cetak ulang dokumennya sebagai PDF biasa (menu Cetak, lalu Simpan sebagai PDF) "
            "dan unggah hasilnya."
        ),
        "pdf_active",
    )


def _check(pattern: re.Pattern, data) -> None:
    match = pattern.search(data)
    if match:
        _refuse_active(match)


class _Inflater:
    """Inflates the Flate streams of one PDF, within one budget for the whole file."""

    def __init__(self):
        self.budget = PDF_INFLATE_BUDGET

    def check(self, data, start: int, pattern: re.Pattern) -> None:
        """Search the Flate stream starting at `start` for `pattern`; nothing when it is not Flate."""
        inflater = zlib.decompressobj()
        carry = b""
        pos, pending = start, b""
        step = 4096  # small at first: most non-Flate data fails on its first two bytes
        while True:
            if not pending:
                if inflater.eof or pos >= len(data):
                    return
                pending = data[pos : pos + step]
                pos += len(pending)
                step = min(step * 4, _INFLATE_STEP)
            try:
                out = inflater.decompress(pending, _INFLATE_STEP)
            except zlib.error:
                return  # not (or no longer) Flate data; what was inflated has been searched
            pending = inflater.unconsumed_tail
            if not out:
                continue
            self.budget -= len(out)
            if self.budget < 0:
                _refuse(
                    _("PDF ini terlalu rumit untuk diperiksa keamanannya."),
                    _(
                        "Cetak ulang dokumennya sebagai PDF biasa atau perkecil ukurannya, "
                        "lalu unggah lagi."
                    ),
                    "pdf_too_complex",
                )
            # The end of the previous piece goes in front, so a name cut in two is still seen whole.
            _check(pattern, carry + out)
            carry = out[-_CARRY:]


def scan_pdf(data) -> None:
    """Refuse a PDF that carries scripts, launch actions or embedded files, or cannot be inspected."""
    _check(_LONG, data)
    if _ENCRYPT.search(data):
        _refuse(
            _(
                "PDF ini dilindungi kata sandi atau dienkripsi, sehingga isinya tidak dapat diperiksa."
            ),
            _(
                "Buka dokumennya, simpan atau cetak ulang sebagai PDF tanpa kata sandi, "
                "lalu unggah lagi."
            ),
            "pdf_encrypted",
        )
    inflater = _Inflater()
    position = 0  # where the bytes not yet examined as "outside streams" begin
    for match in _PDF_STREAM.finditer(data):
        if match.start() < position:
            continue  # the word "stream" inside stream data we skipped
        between = data[position : match.start()]  # dictionaries and objects live here
        _check(_ALL, between + b" ")
        header = between[-65536:]
        # The stream's own dictionary: from its "n 0 obj" on (or the last 64 KB before it).
        starts = [m.start() for m in _PDF_OBJ.finditer(header)]
        names = _names(header[starts[-1] :] if starts else header)
        is_object_stream = b"ObjStm" in names
        if is_object_stream and names & _UNINSPECTABLE:
            _refuse(
                _("PDF ini memakai cara penyimpanan yang tidak dapat diperiksa keamanannya."),
                _("Cetak ulang dokumennya sebagai PDF biasa lalu unggah lagi."),
                "pdf_uninspectable",
            )
        end = _PDF_END_STREAM.search(data, match.end())
        stream_end = end.start() if end else len(data)
        if is_object_stream:
            # PDF 1.5 object streams hold whole objects: every name counts, as outside streams.
            if names & {b"FlateDecode", b"Fl"}:
                inflater.check(data, match.end(), _ALL)
            else:
                _check(_ALL, data[match.end() : stream_end] + b" ")
        elif not names & _PICTURE:
            inflater.check(data, match.end(), _LONG)
        position = end.end() if end else len(data)
        if position >= len(data):
            break
    _check(_ALL, data[position:] + b" ")


# --- everything together ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Sniffed:
    kind: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def sniff(data) -> Sniffed:
    """Inspect a whole file (bytes or a read-only mmap) and say what it is, or raise `Refused`."""
    kind = detect_kind(bytes(data[:HEAD_BYTES]))
    scan_polyglot(data, kind)
    if kind == "pdf":
        scan_pdf(data)
    return Sniffed(kind)
