"""Scores shown on pages of lower apps (a report's maturity on its own page, a region's results).

The innovations and regions apps never import the scores app (the layers in docs/decisions.md);
their templates load these tags instead, so the numbers come from the same bridge, engine and
stored snapshots as the scores app's own pages.
"""

from django import template

from .. import bridge, snapshots

register = template.Library()


@register.simple_tag
def submission_maturity(submission, row=None) -> bridge.Maturity:
    return bridge.submission_maturity(submission, row)


@register.simple_tag
def region_results(region) -> list:
    """The region's standing result per edition year, oldest first:
    `{% region_results region as results %}`."""
    return snapshots.history(region)
