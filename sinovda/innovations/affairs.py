"""Urusan pemerintahan (government affairs) a regional innovation can serve.

From UU 23/2014 (Pasal 11-12) and its Lampiran: concurrent affairs of a Pemda plus the supporting
functions (fungsi penunjang). This is law, not methodology: it does not change with the pedoman.
Which of these count as basic services (urusan wajib pelayanan dasar) is an edition rule.
"""

BASIC_SERVICES = [
    "Pendidikan",
    "Kesehatan",
    "Pekerjaan Umum dan Penataan Ruang",
    "Perumahan Rakyat dan Kawasan Permukiman",
    "Ketenteraman, Ketertiban Umum, dan Pelindungan Masyarakat",
    "Sosial",
]

OTHER_MANDATORY = [
    "Tenaga Kerja",
    "Pemberdayaan Perempuan dan Pelindungan Anak",
    "Pangan",
    "Pertanahan",
    "Lingkungan Hidup",
    "Administrasi Kependudukan dan Pencatatan Sipil",
    "Pemberdayaan Masyarakat dan Desa",
    "Pengendalian Penduduk dan Keluarga Berencana",
    "Perhubungan",
    "Komunikasi dan Informatika",
    "Koperasi, Usaha Kecil, dan Menengah",
    "Penanaman Modal",
    "Kepemudaan dan Olahraga",
    "Statistik",
    "Persandian",
    "Kebudayaan",
    "Perpustakaan",
    "Kearsipan",
]

OPTIONAL = [
    "Kelautan dan Perikanan",
    "Pariwisata",
    "Pertanian",
    "Kehutanan",
    "Energi dan Sumber Daya Mineral",
    "Perdagangan",
    "Perindustrian",
    "Transmigrasi",
]

SUPPORTING = [
    "Perencanaan",
    "Keuangan",
    "Kepegawaian",
    "Pendidikan dan Pelatihan",
    "Penelitian dan Pengembangan",
    "Pengawasan",
    "Kesekretariatan",
    "Pemerintahan Umum",
]

ALL = BASIC_SERVICES + OTHER_MANDATORY + OPTIONAL + SUPPORTING


def choices():
    """Grouped choices for a select element."""
    from django.utils.translation import gettext as _

    return [
        (_("Urusan wajib pelayanan dasar"), [(a, a) for a in BASIC_SERVICES]),
        (_("Urusan wajib bukan pelayanan dasar"), [(a, a) for a in OTHER_MANDATORY]),
        (_("Urusan pilihan"), [(a, a) for a in OPTIONAL]),
        (_("Fungsi penunjang"), [(a, a) for a in SUPPORTING]),
    ]
