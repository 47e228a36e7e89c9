"""Scores shown on pages of lower apps (a report's maturity on its own page).

The innovations app never imports the scores app (the layers in docs/decisions.md); its templates
load these tags instead, so the numbers come from the same bridge and engine as the dashboard.
"""

from django import template

from .. import bridge

register = template.Library()


@register.simple_tag
def submission_maturity(submission, row=None) -> bridge.Maturity:
    return bridge.submission_maturity(submission, row)
