from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.i18n import set_language

from sinovda.accounts import views as account_views
from sinovda.core import views as core_views
from sinovda.cycles import views as cycle_views
from sinovda.editions import views as edition_views
from sinovda.innovations.views import carry, monitor, review, spd, submissions
from sinovda.innovations.views import imports as import_views
from sinovda.notifications import views as notification_views
from sinovda.regions.access import public_view
from sinovda.regions.views import agencies, overview, people, policy
from sinovda.regions.views import audit as audit_views
from sinovda.scores import views as score_views


class RegionCodeConverter:
    """Kemendagri codes: "16" (provinsi) or "16.10" (kabupaten/kota)."""

    regex = r"[0-9]{2}(?:\.[0-9]{2})?"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(RegionCodeConverter, "region")

region_patterns = [
    path("", overview.region_home, name="region_home"),
    path("peringkat/", overview.province_ranking, name="province_ranking"),
    path("opd/", agencies.agency_list, name="agency_list"),
    path("opd/baru/", agencies.agency_create, name="agency_create"),
    path("opd/<int:pk>/ubah/", agencies.agency_update, name="agency_update"),
    path("opd/<int:pk>/status/", agencies.agency_toggle_active, name="agency_toggle_active"),
    path("orang/", people.person_list, name="person_list"),
    path("orang/baru/", people.person_create, name="person_create"),
    path("orang/<int:pk>/ubah/", people.person_update, name="person_update"),
    path("orang/<int:pk>/sandi/", people.person_reset_password, name="person_reset_password"),
    path("orang/<int:pk>/status/", people.person_toggle_active, name="person_toggle_active"),
    path("siklus/", cycle_views.cycle_list, name="cycle_list"),
    path("siklus/baru/", cycle_views.cycle_open, name="cycle_open"),
    path("siklus/<int:year>/", cycle_views.cycle_detail, name="cycle_detail"),
    path("siklus/<int:year>/jadwal/", cycle_views.cycle_change, name="cycle_change"),
    path("siklus/<int:year>/dasbor/", score_views.dashboard, name="dashboard"),
    path("dasbor/", score_views.dashboard_latest, name="dashboard_latest"),
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("pengaturan/", policy.region_policy, name="region_policy"),
    # Innovation reports of a cycle (operators, verifiers, koordinator).
    path("siklus/<int:year>/inovasi/", submissions.submission_list, name="submission_list"),
    path(
        "siklus/<int:year>/inovasi/baru/", submissions.submission_create, name="submission_create"
    ),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/",
        submissions.submission_detail,
        name="submission_detail",
    ),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/profil/",
        submissions.profile_edit,
        name="profile_edit",
    ),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/indikator/<str:code>/",
        submissions.answer_edit,
        name="answer_edit",
    ),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/kirim/",
        submissions.submission_submit,
        name="submission_submit",
    ),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/tarik/",
        submissions.submission_withdraw,
        name="submission_withdraw",
    ),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/perbandingan/",
        carry.submission_diff,
        name="submission_diff",
    ),
    path("siklus/<int:year>/bawa/", carry.carry_over_list, name="carry_over_list"),
    # Import from Excel (template, upload, preview + confirm) and carry-over in bulk for one OPD
    # ("bawa/semua/" before "bawa/<public_id>/", which would take it).
    path("siklus/<int:year>/impor/", import_views.submission_import, name="submission_import"),
    path(
        "siklus/<int:year>/impor/pratinjau/<str:token>/",
        import_views.submission_import_preview,
        name="submission_import_preview",
    ),
    path("siklus/<int:year>/bawa/semua/", import_views.carry_over_all, name="carry_over_all"),
    path("siklus/<int:year>/bawa/<str:public_id>/", carry.carry_over, name="carry_over"),
    # Review.
    path("siklus/<int:year>/verifikasi/", review.review_queue, name="review_queue"),
    # The koordinator's stuck-work monitor (and its CSV), and the one-click reminder to an OPD.
    path("siklus/<int:year>/pantau/", monitor.monitor_page, name="monitor"),
    path("siklus/<int:year>/pantau/pengingat/", monitor.monitor_remind, name="monitor_remind"),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/periksa/",
        review.review_submission,
        name="review_submission",
    ),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/periksa/<str:code>/",
        review.review_answer,
        name="review_answer",
    ),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/catatan/",
        review.comment_field,
        name="comment_field",
    ),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/catatan/<int:pk>/tanggapan/",
        submissions.comment_reply,
        name="comment_reply",
    ),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/kembalikan/",
        review.return_submission,
        name="return_submission",
    ),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/verifikasi/",
        review.verify_submission,
        name="verify_submission",
    ),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/tolak/",
        review.reject_submission,
        name="reject_submission",
    ),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/buka/",
        submissions.reopen_submission,
        name="reopen_submission",
    ),
    # SPD (region indicators).
    path("siklus/<int:year>/spd/", spd.spd_list, name="spd_list"),
    path("siklus/<int:year>/spd/<str:code>/", spd.spd_edit, name="spd_edit"),
    path("siklus/<int:year>/spd/<str:code>/periksa/", spd.spd_review, name="spd_review"),
    # Evidence (bukti dukung): list, upload, permission-checked download.
    path("bukti/", include("sinovda.evidence.urls")),
    # The year's outputs: results report, rekap, hand-off pack, certificates (background jobs).
    path("", include("sinovda.reports.urls")),
]

edition_patterns = [
    path("", edition_views.edition_list, name="edition_list"),
    path("<int:year>/", edition_views.edition_detail, name="edition_detail"),
    path("<int:year>/salin/", edition_views.edition_clone, name="edition_clone"),
    path("<int:year>/aturan/", edition_views.edition_rules, name="edition_rules"),
    path(
        "<int:year>/indikator/<str:code>/",
        edition_views.indicator_edit,
        name="edition_indicator",
    ),
    path("<int:year>/terbitkan/", edition_views.edition_publish, name="edition_publish"),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("masuk/", core_views.login, name="login"),
    path("keluar/", core_views.logout, name="logout"),
    path("sandi/ubah/", account_views.password_change, name="password_change"),
    path("sandi/lupa/", core_views.password_reset, name="password_reset"),
    path("sandi/lupa/terkirim/", core_views.password_reset_done, name="password_reset_done"),
    path(
        "sandi/atur/<uidb64>/<token>/",
        core_views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("sandi/atur/selesai/", core_views.password_reset_complete, name="password_reset_complete"),
    path("bahasa/", public_view(set_language), name="set_language"),
    path("notifikasi/", notification_views.notification_list, name="notification_list"),
    path(
        "notifikasi/pengaturan/",
        notification_views.notification_settings,
        name="notification_settings",
    ),
    path("audit/", audit_views.platform_audit_list, name="platform_audit_list"),
    path("r/<region:region_code>/", include(region_patterns)),
    path("edisi/", include(edition_patterns)),
    path("klaster/", include("sinovda.regions.urls_clusters")),
    path("", include("sinovda.awards.urls")),
    path("", include("sinovda.scores.urls")),
    path("", include("sinovda.catalogue.urls")),
    # /healthz, /readyz, /metrics (docs/operations.md).
    path("", include("sinovda.ops.urls")),
    path("admin/", admin.site.urls),
]

# The 500 page with the request id, and the outage page when the database is unreachable.
handler500 = "sinovda.ops.views.server_error"
