"""The sets of criteria a strategy can start from (ELIRE, rayonnement intercommunal)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    description: str
    weight: Decimal = Decimal(1)
    scale_min: int = 0
    scale_max: int = 3


@dataclass(frozen=True)
class CriteriaTemplate:
    key: str
    label: str
    criteria: tuple[CriterionSpec, ...]


#: The two sets of criteria a strategy starts from; the secretariat adjusts names and weights.
#: Names and descriptions are data written in the strategy's language (French), not interface
#: text: creating a set twice, from any interface language, finds the same names.
CRITERIA_TEMPLATES = {
    "elire": CriteriaTemplate(
        "elire",
        _("ELIRE (impact durable)"),
        (
            CriterionSpec(
                "Emploi",
                "Emplois créés ou maintenus sur le territoire. 0 : aucun, 3 : effet fort.",
            ),
            CriterionSpec(
                "Lien social",
                (
                    "Rencontres et cohésion entre habitants, hôtes et générations ; participation."
                    " 0 : aucun, 3 : effet fort."
                ),
            ),
            CriterionSpec(
                "Image",
                "Notoriété et attractivité du territoire, fierté des habitants. 0 à 3.",
            ),
            CriterionSpec(
                "Retour économique sur investissement",
                (
                    "Recettes, retombées et économies attendues au regard du montant investi. "
                    "0 : nul, 3 : élevé."
                ),
            ),
            CriterionSpec(
                "Environnement",
                (
                    "Climat, énergie, biodiversité, sol, eau. 0 : défavorable ou nul, "
                    "3 : très favorable."
                ),
            ),
        ),
    ),
    "rayonnement": CriteriaTemplate(
        "rayonnement",
        _("Rayonnement intercommunal"),
        (
            CriterionSpec(
                "Valeur ajoutée économique",
                "Pour les usagers du territoire, grâce à la collaboration intercommunale.",
            ),
            CriterionSpec(
                "Valeur ajoutée sociale",
                "Pour les usagers du territoire, grâce à la collaboration intercommunale.",
            ),
            CriterionSpec(
                "Valeur ajoutée environnementale",
                "Pour les usagers du territoire, grâce à la collaboration intercommunale.",
            ),
            CriterionSpec(
                "Nombre de communes concernées",
                "0 : une seule commune … 3 : toutes les communes du territoire.",
            ),
            CriterionSpec(
                "Faisabilité",
                "Technique, juridique et financière. 3 : réalisable à court terme.",
            ),
            CriterionSpec(
                "Coût",
                "Noté à l'envers : 3 : coût faible ou couvert, 0 : coût très élevé.",
            ),
        ),
    ),
}
