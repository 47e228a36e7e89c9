from django.contrib import admin

from .models import Agency, ClusterList, Membership, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "province")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    raw_id_fields = ("province", "coordinator_agency")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "region", "is_active")
    search_fields = ("name", "short_name", "region__name")
    raw_id_fields = ("region",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "region", "agency", "is_active")
    list_filter = ("role", "is_active")
    raw_id_fields = ("user", "region", "agency")


@admin.register(ClusterList)
class ClusterListAdmin(admin.ModelAdmin):
    list_display = ("cluster", "title", "valid_from", "valid_to", "confidence")
    list_filter = ("cluster",)
    filter_horizontal = ("regions",)
