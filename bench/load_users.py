"""The load proof's users (locust): the page classes, their journeys, and the tokens of their writes
(bench/load.py). Every write carries a unique token, so the database can be checked afterwards."""

import collections
import http.cookiejar
import io
import itertools
import os
import random
import re
import secrets

from load_dataset import PASSWORD
from locust import FastHttpUser, task
from urllib3 import encode_multipart_formdata

WORDS = ["layanan", "desa", "digital", "warga", "data", "terpadu", "sehat", "sekolah", "pasar"]
CLUSTERS = ["provinsi", "kabupaten", "kota", "tertinggal", "perbatasan", "papua"]
TOKEN = re.compile(r"px[0-9a-f]{16}")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- evidence files ------------------------------------------------------------------------------


class Files:
    """PDFs and JPGs of 100 KB–2 MB, each unique: a few bodies made once, a token put inside."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.pdfs = [_pdf_parts(size, rng) for size in (100_000, 400_000, 900_000, 2_000_000)]
        self.jpgs = [_jpeg(size) for size in (100_000, 500_000, 1_900_000)]

    def make(self, token: str) -> tuple[str, bytes, str]:
        if self.rng.random() < 0.7:
            head, tail = self.rng.choice(self.pdfs)
            return f"{token}.pdf", head + token.encode() + tail, "application/pdf"
        data = self.rng.choice(self.jpgs)
        comment = token.encode()
        segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
        return f"{token}.jpg", data[:2] + segment + data[2:], "image/jpeg"


def _pdf_parts(size: int, rng: random.Random) -> tuple[bytes, bytes]:
    """A one-page PDF whose page says 'Bukti uji beban <token>' (a text layer: no OCR needed),
    padded to `size` with a stream of hex digits. Returned split where the token goes (the token
    has a fixed length, so the offsets in the xref stay right)."""
    marker = b"px" + b"0" * 16
    text = b"BT /F1 12 Tf 72 720 Td (Bukti uji beban " + marker + b") Tj ET"
    pad = "".join(rng.choices("0123456789abcdef", k=max(0, size - 800))).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(pad) + pad + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    head, tail = out.getvalue().split(marker, 1)
    return head, tail


def _jpeg(size: int) -> bytes:
    """Grey noise, as large as `size` (noise does not compress)."""
    from PIL import Image

    side = 200
    while True:
        image = Image.frombytes("L", (side, side), os.urandom(side * side))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=90)
        if out.tell() >= size:
            return out.getvalue()
        side = int(side * 1.2)


# --- the users ------------------------------------------------------------------------------------

PLAN: dict = {}
POOLS: dict = {}
WRITES: dict = {"edit": {}, "review": {}, "upload": {}}  # token -> "pending" | "ok" | "failed"
SAMPLES: dict = collections.defaultdict(list)  # page class -> response times (ms)
FAILURES: collections.Counter = collections.Counter()
FILES: list = []


def new_token() -> str:
    return "px" + secrets.token_hex(8)


def on_request(name, response_time, exception, **_kwargs) -> None:
    page_class = name.split(":", 1)[0]
    SAMPLES[page_class].append(response_time)
    if exception is not None:
        FAILURES[f"{name}: {str(exception)[:80]}"] += 1


class Visitor(FastHttpUser):
    abstract = True
    page_class = ""
    network_timeout = 30.0
    connection_timeout = 10.0

    def __init__(self, environment):
        super().__init__(environment)
        # The session and CSRF cookies are Secure (production settings) and this runs over plain
        # HTTP on loopback: send them anyway, as browsers do for localhost.
        self.client.cookiejar.set_policy(
            http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
        )

    def page(self, path: str, label: str, expect: int = 200, **kwargs):
        """GET a page; anything but `expect` is a failure (a redirect too: to the login page it
        would look like a page). The response (or None)."""
        name = f"{self.page_class}: {label}"
        kwargs.setdefault("allow_redirects", False)
        with self.client.get(path, name=name, catch_response=True, **kwargs) as response:
            if response.status_code != expect:
                response.failure(f"HTTP {response.status_code}")
                return None
            return response

    def post(self, path: str, label: str, fields, expect: int = 302):
        """POST a form as multipart/form-data (as a browser sends a form with a file); the expected
        answer is a redirect, but not to the login page."""
        name = f"{self.page_class}: {label}"
        body, content_type = encode_multipart_formdata(fields)
        headers = {"Content-Type": content_type, "Referer": self.host + path}
        with self.client.post(
            path,
            data=body,
            headers=headers,
            name=name,
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != expect:
                response.failure(f"HTTP {response.status_code}")
                return None
            if "/masuk/" in response.headers.get("Location", ""):
                response.failure("sent to the login page")
                return None
            return response

    def log_in(self, username: str) -> None:
        form = self.page("/masuk/", "login")
        token = CSRF.search(form.text).group(1) if form is not None else ""
        fields = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        self.post("/masuk/", "login (POST)", fields)

    def base(self) -> str:
        return f"/r/{self.account['region']}/siklus/{PLAN['year']}"


class Operator(Visitor):
    weight = 4
    page_class = "operator"

    def on_start(self):
        self.account = POOLS["operators"].pop() if POOLS["operators"] else None
        if self.account:
            self.log_in(self.account["username"])

    @task
    def journey(self):
        if not self.account:  # more operator users than OPDs: read the public side
            self.page("/", "home")
            return
        self.page(f"/r/{self.account['region']}/", "home")
        self.page(self.base() + "/inovasi/", "submission list")
        public_id = random.choice(self.account["subs"])
        report = f"{self.base()}/inovasi/{public_id}/"
        self.page(report, "report")
        self.edit_answer(report, random.choice(PLAN["sid_codes"]))
        if random.random() < 0.25:
            self.upload()

    def edit_answer(self, report: str, code: str) -> None:
        url = f"{report}indikator/{code}/"
        form = self.page(url, "answer form")
        if form is None:
            return
        version = re.search(r'name="version" value="(\d+)"', form.text)
        levels = re.findall(r'name="level" value="(\d+)"', form.text)
        token = new_token()
        fields = {
            "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
            "version": version.group(1) if version else "",
            "link": f"https://bukti.example.go.id/{token}",
        }
        if levels:
            fields["level"] = random.choice(levels)
        WRITES["edit"][token] = "pending"
        response = self.post(url, "answer (POST)", fields)
        WRITES["edit"][token] = "ok" if response is not None else "failed"
        if response is not None:
            self.page(report, "report")

    def upload(self) -> None:
        url = f"/r/{self.account['region']}/bukti/unggah/"
        form = self.page(url, "upload form")
        if form is None:
            return
        token = new_token()
        name, data, content_type = FILES[0].make(token)
        fields = {
            "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
            "subject": f"Bukti uji beban {token}",
            "number": f"{token}/UJI/2026",
            "file": (name, data, content_type),
        }
        WRITES["upload"][token] = "pending"
        response = self.post(url, "upload (POST)", fields)
        WRITES["upload"][token] = "ok" if response is not None else "failed"


class Verifier(Visitor):
    weight = 2
    page_class = "verifier"

    def on_start(self):
        pool = POOLS["verifiers"]
        self.account = pool.pop() if pool else random.choice(PLAN["verifiers"])
        self.log_in(self.account["username"])

    @task
    def journey(self):
        self.page(self.base() + "/verifikasi/", "review queue")
        public_id, codes = random.choice(self.account["subs"])
        url = f"{self.base()}/inovasi/{public_id}/periksa/"
        page = self.page(url, "review page")
        if page is None:
            return
        code = random.choice(codes)
        token = new_token()
        fields = {
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            "decision": random.choice(["accepted", "rejected"]),
            "note": f"Catatan uji beban {token}",
        }
        WRITES["review"][token] = "pending"
        response = self.post(f"{url}{code}/", "review (POST)", fields)
        if response is None:
            WRITES["review"][token] = "failed"
            return
        # The decision's outcome is the message on the page it sends us back to.
        after = self.page(response.headers.get("Location", url), "review page")
        saved = after is not None and f"indikator {code} disimpan" in after.text
        WRITES["review"][token] = "ok" if saved else "failed"


class Koordinator(Visitor):
    weight = 1
    page_class = "koordinator"

    def on_start(self):
        self.account = next(POOLS["koordinators"])
        self.log_in(self.account["username"])

    @task
    def journey(self):
        self.page(self.base() + "/dasbor/", "dashboard")
        self.page(self.base() + "/pantau/", "monitor")


class Public(Visitor):
    weight = 3
    page_class = "public"

    @task
    def journey(self):
        public = PLAN["public"]
        self.page(f"/katalog/?cari={random.choice(WORDS)}", "catalogue search")
        if public["ids"]:
            self.page(f"/inovasi/{random.choice(public['ids'])}/", "innovation")
        year = random.choice([2022, 2023, 2024, 2025])
        self.page(f"/peringkat/?klaster={random.choice(CLUSTERS)}&tahun={year}", "ranking")
        province = random.choice(public["provinces"])
        self.page(f"/api/v1/innovations?province={province}", "API list")


class Trivial(Visitor):
    weight = 1
    page_class = "trivial"

    @task
    def journey(self):
        self.page("/masuk/", "login page")


USER_CLASSES = [Operator, Verifier, Koordinator, Public, Trivial]


def install_plan(plan: dict, seed: int) -> None:
    PLAN.clear()
    PLAN.update(plan)
    POOLS["operators"] = list(reversed(plan["operators"]))
    POOLS["verifiers"] = list(reversed(plan["verifiers"]))
    POOLS["koordinators"] = itertools.cycle(plan["koordinators"])
    FILES[:] = [Files(random.Random(seed))]
