"""IID scoring for Sinovda: edition specs, the scoring engine and the predicate-path advisor.

Pure Python (no Django import; a test enforces it), usable on its own:

    from sinovda.methodology import load_editions, RegionInput, InnovationInput, score, advise
    editions = load_editions()
    result = score(editions[2026], RegionInput(innovations=[...], spd_levels={...}), "verified")
    result.iid, result.predicate, result.breakdown

See docs/methodology.md for the edition file schema and the scoring rules.
"""

from .advisor import Advice, Change, Stake, advise, apply_changes
from .engine import (
    AspectScore,
    IndicatorScore,
    InnovationInput,
    InnovationResult,
    InputError,
    RegionInput,
    RegionResult,
    RowScore,
    ScoreViews,
    ScoreWarning,
    VariableScore,
    maturity,
    score,
    score_many,
    score_views,
)
from .loader import EDITIONS_DIR, EditionError, Problem, load_edition, load_editions, parse_edition
from .spec import (
    AnswerRow,
    Aspect,
    CountRule,
    DivisorRule,
    Edition,
    Eligibility,
    EntryRule,
    Evidence,
    Indicator,
    InfoList,
    InfoMap,
    LegalBasis,
    Maxima,
    MeasurementBasis,
    Option,
    Predicate,
    Provenance,
    RancangBangunRule,
    ScoringRule,
    Source,
    SubRow,
    ValidationRule,
    Variable,
)

__all__ = [
    "EDITIONS_DIR",
    "Advice",
    "AnswerRow",
    "Aspect",
    "AspectScore",
    "Change",
    "CountRule",
    "DivisorRule",
    "Edition",
    "EditionError",
    "Eligibility",
    "EntryRule",
    "Evidence",
    "Indicator",
    "IndicatorScore",
    "InfoList",
    "InfoMap",
    "InnovationInput",
    "InnovationResult",
    "InputError",
    "LegalBasis",
    "Maxima",
    "MeasurementBasis",
    "Option",
    "Predicate",
    "Problem",
    "Provenance",
    "RancangBangunRule",
    "RegionInput",
    "RegionResult",
    "RowScore",
    "ScoreViews",
    "ScoreWarning",
    "ScoringRule",
    "Source",
    "Stake",
    "SubRow",
    "ValidationRule",
    "Variable",
    "VariableScore",
    "advise",
    "apply_changes",
    "load_edition",
    "load_editions",
    "maturity",
    "parse_edition",
    "score",
    "score_many",
    "score_views",
]
