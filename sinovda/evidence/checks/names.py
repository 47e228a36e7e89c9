"""Is the innovation named in the decree? A fuzzy match (rapidfuzz) on normalised text.

Both the name and the text are normalised the same way: accents stripped, case folded, punctuation
removed, common abbreviations written out ("Kab." -> "kabupaten", "Dinkes" -> "dinas kesehatan").
A name like "SIPANDAI (Sistem Pelayanan Administrasi Desa Terintegrasi)" is looked for whole, as its
acronym and as its long form; "SI-PANDAI" and "Si Pandai" also match "SIPANDAI" (a second pass
compares the texts without spaces). The best alignment's score (0-100) decides: found, similar
(a misspelling, or only part of the name), or not found.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from . import Result, Status

FOUND = 95  # this score or more: the name is in the text (one typo in a long name)
SIMILAR = 75  # this score or more: something like it is (a misspelling?)
SHORT = 6  # a variant with fewer letters is an acronym: it must appear as a whole word
JOINED = 24  # a variant of at most this many letters is also compared with words run together
SNIPPET_MARGIN = 40  # characters of context either side of the match

ABBREVIATIONS = {
    "kab": "kabupaten",
    "kec": "kecamatan",
    "kel": "kelurahan",
    "prov": "provinsi",
    "pemkab": "pemerintah kabupaten",
    "pemkot": "pemerintah kota",
    "pemprov": "pemerintah provinsi",
    "pemda": "pemerintah daerah",
    "dinkes": "dinas kesehatan",
    "disdik": "dinas pendidikan",
    "disdukcapil": "dinas kependudukan dan pencatatan sipil",
    "dukcapil": "kependudukan dan pencatatan sipil",
    "rsud": "rumah sakit umum daerah",
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "dlm": "dalam",
    "pd": "perangkat daerah",
    "opd": "organisasi perangkat daerah",
    "sk": "surat keputusan",
    "perbup": "peraturan bupati",
    "perwali": "peraturan wali kota",
    "perwako": "peraturan wali kota",
    "pergub": "peraturan gubernur",
    "perda": "peraturan daerah",
    "walikota": "wali kota",
}
_WORD = re.compile(r"[^\W_]+")
_DECREE = re.compile(
    r"\b(keputusan|peraturan|surat tugas|surat perintah|surat penugasan|"
    r"surat keputusan)\b"
)
DECREE_HEAD = 600  # characters from the start where a decree says what it is


@dataclass(frozen=True)
class Tokens:
    """Normalised words of a text, each with where it stands in the original."""

    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


def _fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word)
    return "".join(c for c in word if not unicodedata.combining(c)).casefold()


def tokens(text: str) -> Tokens:
    words, spans = [], []
    for match in _WORD.finditer(text or ""):
        expanded = ABBREVIATIONS.get(_fold(match.group(0)), _fold(match.group(0)))
        for word in expanded.split():
            words.append(word)
            spans.append(match.span())
    return Tokens(tuple(words), tuple(spans))


def normalise(text: str) -> str:
    """Case folded, accents stripped, punctuation removed, abbreviations written out."""
    return tokens(text).text


def looks_like_decree(text: str) -> bool:
    """Whether the document says at its head that it is a decree, regulation or assignment."""
    return bool(_DECREE.search(normalise((text or "")[:DECREE_HEAD])))


def variants(name: str) -> list[str]:
    """The name whole, and its parts outside and inside brackets (an acronym and its long form)."""
    name = " ".join((name or "").split())
    inside = " ".join(re.findall(r"\(([^)]*)\)", name))
    outside = re.sub(r"\([^)]*\)", " ", name)
    out = []
    for variant in (name, outside, inside):
        variant = normalise(variant)
        if variant and variant not in out:
            out.append(variant)
    return out


@dataclass(frozen=True)
class Match:
    score: float
    snippet: str
    variant: str


def _char_to_word(words: tuple[str, ...]) -> list[int]:
    """For each character of " ".join(words), the index of its word."""
    owner = []
    for index, word in enumerate(words):
        owner.extend([index] * len(word))
        owner.append(index)  # the space after it
    return owner


def _snippet(text: str, tok: Tokens, first: int, last: int) -> str:
    start, end = tok.spans[first][0], tok.spans[last][1]
    before = text[max(0, start - SNIPPET_MARGIN) : start]
    after = text[end : end + SNIPPET_MARGIN]
    before = ("…" + before.split(" ", 1)[-1]) if start > SNIPPET_MARGIN else before
    after = (after.rsplit(" ", 1)[0] + "…") if end + SNIPPET_MARGIN < len(text) else after
    return " ".join(f"{before}«{text[start:end]}»{after}".split())


def _joins(words: tuple[str, ...], longest: int):
    """Runs of 1..longest consecutive words written together ("si", "pandai" -> "sipandai"), each
    with the index of its first and last word."""
    for size in range(1, longest + 1):
        for first in range(len(words) - size + 1):
            yield "".join(words[first : first + size]), first, first + size - 1


def _exact(words: tuple[str, ...], needle: list[str]) -> int | None:
    """Index of the first word where `needle` stands word for word."""
    size = len(needle)
    for index in range(len(words) - size + 1):
        if words[index] == needle[0] and list(words[index : index + size]) == needle:
            return index
    return None


def best_match(name: str, text: str) -> Match:
    """Where the text comes closest to naming the innovation, and how close (0-100)."""
    tok = tokens(text)
    if not tok.words:
        return Match(0.0, "", "")
    haystack = tok.text
    owner = _char_to_word(tok.words)
    best = Match(0.0, "", "")
    for variant in variants(name):
        squeezed = variant.replace(" ", "")
        if len(squeezed) < SHORT:
            # An acronym: a whole word or nothing ("SIAP" must not match "persiapan").
            hit = next((i for i, w in enumerate(tok.words) if w == squeezed), None)
            if hit is not None and best.score < 100:
                best = Match(100.0, _snippet(text, tok, hit, hit), variant)
            continue
        size = variant.count(" ") + 1
        exact = _exact(tok.words, variant.split())
        if exact is not None:  # the first place it is written as is: the snippet people expect
            best = Match(100.0, _snippet(text, tok, exact, exact + size - 1), variant)
            break
        if size > 1:
            # The words in order, anywhere in the text (a typo or two costs a few points).
            aligned = fuzz.partial_ratio_alignment(variant, haystack, score_cutoff=best.score)
            if aligned is not None and aligned.score > best.score:
                end = max(aligned.dest_start, aligned.dest_end - 1)
                first = owner[min(aligned.dest_start, len(owner) - 1)]
                last = owner[min(end, len(owner) - 1)]
                score = aligned.score
                if SIMILAR <= score < FOUND:
                    # Close already: a word more or fewer ("Desa yang Terintegrasi") or another
                    # order still names it. Compare the words around the match as sets.
                    first, last = max(0, first - 1), min(len(tok.words) - 1, last + 1)
                    window = " ".join(tok.words[first : last + 1])
                    score = max(score, fuzz.token_set_ratio(variant, window))
                best = Match(round(score, 1), _snippet(text, tok, first, last), variant)
        if len(squeezed) > JOINED or best.score >= 100:
            continue
        # A short name written together or apart ("SI-PANDAI", "Si Pandai", "SIPANDAI"): compared
        # with whole words run together, never with a piece of a longer word.
        low, high = len(squeezed) * 0.7, len(squeezed) * 1.3
        candidates = [c for c in _joins(tok.words, size + 2) if low <= len(c[0]) <= high]
        found = process.extractOne(
            squeezed, [c[0] for c in candidates], scorer=fuzz.ratio, score_cutoff=best.score
        )
        if found is not None and found[1] > best.score:
            _joined, first, last = candidates[found[2]]
            best = Match(round(found[1], 1), _snippet(text, tok, first, last), variant)
    return best


def check(name: str, text: str, *, required: bool | None) -> Result | None:
    """`required`: True when the edition's rule says this level's document must name the
    innovation, False when it says it need not (a Perda), None when the edition has no rule for the
    indicator: then only documents that look like a decree are searched."""
    if not name or not text or required is False:
        return None
    if required is None and not looks_like_decree(text):
        return None
    match = best_match(name, text)
    details = {"score": match.score, "matched": match.snippet, "threshold": FOUND, "name": name}
    values = {"name": name, "snippet": match.snippet, "score": int(match.score)}
    if match.score >= FOUND:
        return Result(
            "name",
            Status.OK,
            _("Nama inovasi “%(name)s” ditemukan: %(snippet)s") % values,
            details,
        )
    if match.score >= SIMILAR:
        return Result(
            "name",
            Status.WARNING,
            _(
                "Nama inovasi “%(name)s” tidak ditemukan persis; yang paling mirip: %(snippet)s "
                "(kemiripan %(score)s%%). Periksa ejaan nama di dokumen dan di laporan."
            )
            % values,
            details,
        )
    return Result(
        "name",
        Status.PROBLEM,
        _(
            "Nama inovasi “%(name)s” tidak ditemukan di dokumen ini. Pedoman meminta dokumen "
            "(atau lampirannya) memuat nama inovasi; unggah halaman yang memuatnya."
        )
        % values,
        details,
    )
