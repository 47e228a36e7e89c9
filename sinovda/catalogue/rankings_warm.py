"""Pre-rendered ranking pages: every national cluster and every province, for every year with
results, in every language, rendered again whenever the results data version changes
(docs/rankings.md, "Caching").

Results change a few times a year (a snapshot finalised, imported or withdrawn, a cluster list
edited), and a cold ranking page renders a table and a chart of hundreds of Pemda. A periodic task
(`warm_rankings_if_changed`, every minute, settings.SINOVDA_PERIODIC_TASKS) compares the data
version with the one last warmed, so the writing code needs no hook; `manage.py warm_rankings`
does the same at once (deploys, after an import). A page asked before the task has run is simply
rendered on the request (the cold path), under the new version: never a stale page.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.tasks import task
from django.utils import translation

from sinovda.regions.models import Region
from sinovda.scores import rankings, snapshots

from . import rankings_views

log = logging.getLogger(__name__)
WARMED_KEY = "sinovda:rankings:warmed"
# The marker expires well before the bodies (rankings_views.BODY_SECONDS), so the task renders them
# again, refreshing their expiry, before a visitor could find one gone.
WARMED_SECONDS = rankings_views.BODY_SECONDS // 2


def warm() -> int:
    """Render and store every ranking page body (no highlight) under the current data version;
    returns how many. Years: every year with a standing result (the year selector's choices)."""
    count = 0
    with rankings.one_version():
        version = rankings.current_version()
        years = snapshots.years_with_results()
        provinces = list(Region.objects.filter(kind=Region.Kind.PROVINCE).order_by("code"))
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for year in years:
                    for cluster in rankings.CLUSTERS:
                        rankings_views.body(
                            rankings_views.national_page(cluster, year=year), refresh=True
                        )
                        count += 1
                    for province in provinces:
                        rankings_views.body(
                            rankings_views.province_page(province, year=year), refresh=True
                        )
                        count += 1
    cache.set(WARMED_KEY, version, WARMED_SECONDS)
    return count


def warm_if_changed() -> int:
    """Warm when the data version differs from the one last warmed (or the marker expired)."""
    if cache.get(WARMED_KEY) == rankings.data_version():
        return 0
    started = time.monotonic()
    count = warm()
    log.info("rankings warmed: %d pages in %.1f s", count, time.monotonic() - started)
    return count


@task()
def warm_rankings_if_changed() -> int:
    return warm_if_changed()
