"""Showing the automatic evidence checks beside a document: `{% document_hints hints answer d %}`.

`hints` is what `sinovda.evidence.hints.for_answers` gave the view ({answer id: AnswerHints});
nothing is shown for a document the person may not open (it is not in `hints`).
"""

from django import template

register = template.Library()


def _base(context, **extra):
    request = context.get("request")
    return {
        "csrf_token": context.get("csrf_token"),
        "access": context.get("access"),
        "next": request.get_full_path() if request is not None else "",
        **extra,
    }


@register.inclusion_tag("evidence/_checks.html", takes_context=True)
def document_hints(context, hints, answer, document, compact=False):
    answer_hints = hints.get(answer.pk) if hints and answer is not None else None
    found = answer_hints.documents.get(document.pk) if answer_hints else None
    return _base(context, h=found, compact=compact)


@register.inclusion_tag("evidence/_link_checks.html")
def link_hints(hints, answer):
    answer_hints = hints.get(answer.pk) if hints and answer is not None else None
    return {"link": answer_hints.link if answer_hints else []}
