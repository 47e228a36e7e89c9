"""Outputs shown on pages of lower apps (the dashboard): the scores app never imports reports, its
template loads these tags instead."""

from django import template

from .. import national
from ..access import may_make
from ..views import CYCLE_KINDS

register = template.Library()


@register.inclusion_tag("reports/_handoff_progress.html")
def handoff_progress(cycle, access):
    """How many verified reports are in the national application, and links to the outputs."""
    progress = national.progress(cycle) if access.can_read else None
    return {
        "cycle": cycle,
        "access": access,
        "progress": progress,
        "show_outputs": any(may_make(access, kind) for kind in CYCLE_KINDS),
        "show_entries": access.can_manage,
    }
