"""Read what the checks need from an evidence file: does it open, its text, a video's length.

A PDF must parse with pypdf; its text comes from the text layer (read with PDFium, pypdf as
the fallback). A PDF with (almost) no text layer is a scan: its first
pages and its last page (where a decree is signed) are rendered with pypdfium2 and read by Tesseract
with the Indonesian language data. Pictures are read by Tesseract directly. OCR is slow (seconds a
page), so it runs only in the background task, with a time limit per page and a page cap.
"""

import logging
import os
import re
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

TEXT_PAGES = 60  # text layer: pages read at most (a decree with its lampiran fits easily)
TEXT_CHARS = 200_000  # text kept at most
OCR_PAGES = 3  # scanned PDF: pages read by OCR at most (the first ones and the last one)
OCR_DPI = 200
OCR_TIMEOUT = 30  # seconds per page
OCR_LANG = "ind"
IMAGE_MAX_SIDE = 3000  # pixels; larger photos are scaled down before OCR
# A PDF whose text layer has fewer letters than this per page (over the first pages) is a scan.
SCAN_LETTERS_PER_PAGE = 40
# A word Tesseract is at least this sure of (0-100) counts as read.
OCR_MIN_CONFIDENCE = 60
_LETTERS = re.compile(r"[^\W\d_]")


@dataclass
class Extracted:
    """What was read from one file."""

    kind: str  # pdf, jpg, png, mp4
    readable: bool = False
    error: str = ""  # why it did not open (technical, for the record)
    pages: int = 0
    text: str = ""
    text_source: str = "none"  # layer, ocr, none
    ocr_pages: int = 0
    ocr_words: int = 0  # words Tesseract read with confidence
    ocr_error: str = ""  # OCR could not run (not installed, too slow)
    duration: float | None = None  # MP4: seconds
    seconds: dict = field(default_factory=dict)  # time spent per step, for the record


def letters(text: str) -> int:
    return len(_LETTERS.findall(text or ""))


def extract(path, kind: str, *, ocr: bool = True) -> Extracted:
    """Read the file at `path` of the sniffed `kind`. Never raises for a bad file: a file that
    does not open gives readable=False and the reason."""
    result = Extracted(kind=kind)
    started = time.monotonic()
    try:
        if kind == "pdf":
            _pdf(path, result, ocr=ocr)
        elif kind in ("jpg", "png"):
            _image(path, result, ocr=ocr)
        elif kind == "mp4":
            _mp4(path, result)
        else:
            result.error = f"unknown kind {kind!r}"
    except Exception as exc:  # noqa: BLE001 - a broken file is an answer, not a crash
        result.readable = False
        result.error = f"{type(exc).__name__}: {exc}"[:300]
    result.text = result.text[:TEXT_CHARS]
    result.seconds["total"] = round(time.monotonic() - started, 3)
    return result


# --- PDF --------------------------------------------------------------------------------------


def _pdf(path, result: Extracted, *, ocr: bool) -> None:
    from pypdf import PdfReader

    started = time.monotonic()
    # pypdf decides whether the file is a PDF at all (its structure parses, it has pages).
    reader = PdfReader(str(path), strict=False)
    # An empty user password still opens many "protected" PDFs.
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted")
    pages = len(reader.pages)
    result.pages = pages
    if pages == 0:
        raise ValueError("no pages")
    result.readable = True
    texts = _text_layer(path, reader, min(pages, TEXT_PAGES))
    result.seconds["text_layer"] = round(time.monotonic() - started, 3)
    sample = texts[:OCR_PAGES]
    if letters("".join(sample)) >= SCAN_LETTERS_PER_PAGE * len(sample):
        result.text = "\n".join(texts)
        result.text_source = "layer"
        return
    if not ocr:
        result.text = "\n".join(texts)
        result.text_source = "layer" if letters(result.text) else "none"
        return
    _ocr_pdf(path, result, pages)


def _text_layer(path, reader, pages: int) -> list[str]:
    """The text of the first pages. PDFium reads it some 30 times faster than pypdf (20 pages in
    tens of milliseconds instead of a second); pypdf is the fallback for a file PDFium refuses."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError:
        return [page.extract_text() or "" for page in reader.pages[:pages]]
    texts = []
    try:
        for index in range(min(pages, len(document))):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
    finally:
        document.close()
    return texts


def ocr_page_numbers(pages: int, cap: int = OCR_PAGES) -> list[int]:
    """The pages read by OCR: the first ones and the last one (a decree is signed at its end)."""
    if pages <= cap:
        return list(range(pages))
    return [*range(cap - 1), pages - 1]


def _ocr_pdf(path, result: Extracted, pages: int) -> None:
    import pypdfium2

    started = time.monotonic()
    document = pypdfium2.PdfDocument(str(path))
    texts = []
    try:
        for number in ocr_page_numbers(pages):
            page = document[number]
            try:
                image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
            finally:
                page.close()
            text, words = _ocr_image(image, result)
            if result.ocr_error:
                break
            texts.append(text)
            result.ocr_pages += 1
            result.ocr_words += words
    finally:
        document.close()
    result.text = "\n".join(texts)
    result.text_source = "ocr" if result.ocr_pages else "none"
    result.seconds["ocr"] = round(time.monotonic() - started, 3)


# --- pictures ---------------------------------------------------------------------------------


def _image(path, result: Extracted, *, ocr: bool) -> None:
    from PIL import Image

    with Image.open(path) as image:
        image.verify()  # structure and checksums, without decoding
    with Image.open(path) as image:
        image.load()  # decode: a truncated picture fails here
        result.pages = 1
        result.readable = True
        if not ocr:
            return
        started = time.monotonic()
        picture = image.convert("L")
    if max(picture.size) > IMAGE_MAX_SIDE:
        picture.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
    text, words = _ocr_image(picture, result)
    if not result.ocr_error:
        result.text, result.ocr_pages, result.ocr_words = text, 1, words
        result.text_source = "ocr"
    result.seconds["ocr"] = round(time.monotonic() - started, 3)


def _ocr_image(image, result: Extracted) -> tuple[str, int]:
    """Tesseract over one picture: the text (line by line) and how many words it is sure of."""
    import pytesseract

    # Tesseract's OpenMP threads thrash on a busy two-core server (a page took 26 s instead of
    # 5 s); one thread per page is faster and leaves the other cores to the web. An administrator
    # can still set OMP_THREAD_LIMIT for the worker.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        data = pytesseract.image_to_data(
            image, lang=OCR_LANG, timeout=OCR_TIMEOUT, output_type=pytesseract.Output.DICT
        )
    except RuntimeError as exc:  # pytesseract's timeout
        result.ocr_error = f"timeout: {exc}"[:300]
        return "", 0
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError, OSError) as exc:
        result.ocr_error = f"{type(exc).__name__}: {exc}"[:300]
        log.warning("OCR failed: %s", exc)
        return "", 0
    lines: dict[tuple, list[str]] = {}
    sure = 0
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        if not word:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(word)
        try:
            confidence = float(data["conf"][i])
        except (TypeError, ValueError):
            confidence = -1
        if confidence >= OCR_MIN_CONFIDENCE and letters(word) >= 3:
            sure += 1
    return "\n".join(" ".join(words) for words in lines.values()), sure


# --- video ------------------------------------------------------------------------------------


def _mp4(path, result: Extracted) -> None:
    from mutagen.mp4 import MP4

    info = MP4(str(path)).info
    result.readable = True
    result.duration = float(info.length) if info.length else None
