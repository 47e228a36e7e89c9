"""Database rows -> the engine's plain inputs, in a fixed number of queries whatever the size."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from sinovda import methodology
from sinovda.innovations.models import (
    REPORTED_STATES,
    Answer,
    RegionAnswer,
    ReviewState,
    State,
    Submission,
)


def unreviewed_policy() -> str:
    """How the verified view counts an answer nobody has reviewed yet: 'zero' (default) or 'claimed'."""
    return getattr(settings, "SINOVDA_UNREVIEWED_COUNTS_AS", "zero")


def _levels(rows):
    claimed, verified = {}, {}
    for code, claim, proof, state in rows:
        claimed[code] = claim
        if state != ReviewState.PENDING:
            verified[code] = proof
    return claimed, verified


def region_input(cycle, submissions=None) -> methodology.RegionInput:
    """The Pemda's reported innovations (submitted at least once, not withdrawn) and SPD answers.

    Drafts are not reported yet, so they are not in n; rejected innovations are, with 0 points.
    """
    if submissions is None:
        submissions = list(
            Submission.objects.filter(cycle=cycle, state__in=REPORTED_STATES).values(
                "pk", "name", "state", "main_affair", "other_affairs"
            )
        )
    answers = defaultdict(list)
    for sid, code, claim, proof, state in Answer.objects.filter(
        submission__cycle=cycle, submission__state__in=REPORTED_STATES
    ).values_list(
        "submission_id", "indicator_code", "claimed_level", "verified_level", "review_state"
    ):
        answers[sid].append((code, claim, proof, state))
    innovations = []
    for s in submissions:
        claimed, verified = _levels(answers.get(s["pk"], ()))
        innovations.append(
            methodology.InnovationInput(
                id=str(s["pk"]),
                name=s["name"],
                claimed=claimed,
                verified=verified,
                urusan=frozenset(a for a in [s["main_affair"], *(s["other_affairs"] or [])] if a),
                rejected=s["state"] == State.REJECTED,
            )
        )
    spd_claimed, spd_verified = _levels(
        RegionAnswer.objects.filter(cycle=cycle).values_list(
            "row_code", "claimed_level", "verified_level", "review_state"
        )
    )
    return methodology.RegionInput(
        innovations=innovations,
        spd_levels=spd_claimed,
        spd_verified=spd_verified,
        name=cycle.region.name,
    )


def cycle_scores(cycle) -> methodology.ScoreViews:
    return methodology.score_views(cycle.edition.spec(), region_input(cycle), unreviewed_policy())


def cycle_advice(cycle, view="verified") -> methodology.Advice:
    return methodology.advise(cycle.edition.spec(), region_input(cycle), view, unreviewed_policy())


def submission_input(submission) -> methodology.InnovationInput:
    claimed, verified = _levels(
        submission.answers.values_list(
            "indicator_code", "claimed_level", "verified_level", "review_state"
        )
    )
    return methodology.InnovationInput(
        id=str(submission.pk),
        name=submission.name,
        claimed=claimed,
        verified=verified,
        urusan=frozenset(submission.affairs),
        rejected=submission.state == State.REJECTED,
    )


@dataclass(frozen=True)
class Maturity:
    claimed: Decimal
    verified: Decimal
    max: Decimal
    without_row: Decimal | None = None  # the claimed maturity without one indicator's claim


def submission_maturity(submission, row=None) -> Maturity:
    """Claimed and verified maturity of one report, as the dashboard computes it (and, given an
    indicator row, the claimed maturity without that row, for the answer page's live preview)."""
    edition = submission.cycle.edition.spec()
    inputs = submission_input(submission)
    policy = unreviewed_policy()
    claimed = methodology.maturity(edition, inputs, "claimed", policy)
    without_row = None
    if row is not None:
        answer = submission.answers.filter(indicator_code=row.code).first()
        without_row = claimed - row.score_of(answer.claimed_level if answer else None)
    return Maturity(
        claimed=claimed,
        verified=methodology.maturity(edition, inputs, "verified", policy),
        max=edition.maxima.sid_per_innovation,
        without_row=without_row,
    )
