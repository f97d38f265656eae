"""The weighted score, on 0–100: Σ wᵢ·rᵢ / Σ wᵢ × 100 over the scored criteria, where rᵢ is a
score brought to 0–1 on its criterion's scale. Computed on request, never stored; the database
computes the same rule for whole querysets (``models.score_annotations``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Criterion


def score_percent(weights_and_ratios: list[tuple[float, float]]) -> float | None:
    """The weighted mean of normalised scores, on 0–100: Σ wᵢ·rᵢ / Σ wᵢ × 100, where rᵢ is a
    score brought to 0–1 on its criterion's scale. None when nothing is scored."""
    total_weight = sum(weight for weight, _ratio in weights_and_ratios)
    if not weights_and_ratios or not total_weight:
        return None
    return sum(weight * ratio for weight, ratio in weights_and_ratios) * 100.0 / total_weight


def round_score(value: float | None) -> Decimal | None:
    """A weighted score as shown and compared (ties): one decimal, halves rounded up."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class WeightedScore:
    """A project's or a proposal's weighted score (0–100) over its scored criteria, with how many
    of the strategy's criteria are scored. Computed on request, never stored."""

    value: float | None
    scored: int
    total: int

    @cached_property
    def rounded(self) -> Decimal | None:
        # Computed once: a ranking compares and shows it many times.
        return round_score(self.value)

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.scored == self.total

    @property
    def coverage(self) -> str:
        """« 3/5 critères notés »."""
        return _("%(scored)s/%(total)s critères notés") % {
            "scored": self.scored,
            "total": self.total,
        }

    @classmethod
    def of(cls, criteria: Iterable[Criterion], values: dict[int, int]) -> WeightedScore:
        """From the strategy's ``criteria`` and the ``values`` given, by criterion id (a
        criterion without a value is left out of the mean and counted as not scored)."""
        criteria = list(criteria)
        pairs = [
            (float(criterion.weight), criterion.ratio(values[criterion.pk]))
            for criterion in criteria
            if values.get(criterion.pk) is not None
        ]
        return cls(score_percent(pairs), len(pairs), len(criteria))
