"""sitemap.xml: the public pages a search engine should know, and only those.

Published innovations (their Publication rows, so an unpublished one drops out at once), the Pemda
that have published innovations or a standing result, the rankings and the catalogue's home.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from sinovda.regions.models import Region
from sinovda.scores import snapshots

from .models import Publication

PLACEHOLDER = "__id__"


class InnovationSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return list(
            Publication.objects.order_by("pk").values_list("innovation__public_id", "updated_at")
        )

    def location(self, item):
        # One reverse() for the whole list: the national catalogue has tens of thousands of rows.
        if not hasattr(self, "_pattern"):
            self._pattern = reverse("catalogue_innovation", args=[PLACEHOLDER])
        return self._pattern.replace(PLACEHOLDER, item[0])

    def lastmod(self, item):
        return item[1]


def _regions_with_public_data():
    ids = set(Publication.objects.order_by().values_list("region_id", flat=True).distinct())
    for year in snapshots.years_with_results():
        ids.update(snapshots.standing(year))
    return Region.objects.filter(pk__in=ids)


def regions_with_public_data() -> list[str]:
    """Codes of Pemda with a published innovation or a standing result, in code order."""
    return list(_regions_with_public_data().order_by("code").values_list("code", flat=True))


def _reversed(name, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class RegionSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return regions_with_public_data()

    def location(self, item):
        return reverse("catalogue_region", args=[item])


class PageSitemap(Sitemap):
    """The catalogue's home and the rankings: national, and each province's whose Pemda have
    public data (the rankings are another module's URLs, resolved when the sitemap is read)."""

    changefreq = "weekly"
    priority = 1.0

    def items(self):
        paths = [_reversed("catalogue"), _reversed("ranking_national")]
        regions = _regions_with_public_data()
        provinces = Region.objects.filter(
            Q(pk__in=regions.values("province_id")) | Q(pk__in=regions, kind=Region.Kind.PROVINCE)
        )
        for code in provinces.order_by("code").values_list("code", flat=True):
            paths.append(_reversed("ranking_province", code))
        return [path for path in paths if path]

    def location(self, item):
        return item


SITEMAPS = {"halaman": PageSitemap, "inovasi": InnovationSitemap, "daerah": RegionSitemap}
