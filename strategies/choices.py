"""The fixed choices of the cascade's models: a territory's currency, a public strategy's open-data
licence. Apart from ``models`` so that modules that only need a choice (``money``, the API) do not
read the models; ``strategies.models`` imports them for its fields and constraints."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    """The currency of a territory's budgets and fundings, by its ISO 4217 code (the constraint
    of ``Territory`` reads ``.values``, which a class nested in it could not give its ``Meta``)."""

    CHF = "CHF", _("franc suisse (CHF)")
    EUR = "EUR", _("euro (€)")

    @property
    def symbol(self) -> str:
        """What follows an amount on the pages: "CHF", "€"."""
        return {"CHF": "CHF", "EUR": "€"}[self.value]


class Licence(models.TextChoices):
    """The licence of a public strategy's open data, by its SPDX identifier (the constraint of
    ``Strategy`` reads ``.values``)."""

    CC_BY_4_0 = "CC-BY-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_SA_4_0 = (
        "CC-BY-SA-4.0",
        _("Creative Commons Attribution – Partage dans les mêmes conditions 4.0"),
    )
    CC0_1_0 = "CC0-1.0", _("Creative Commons Zéro 1.0 (domaine public)")
    ETALAB_2_0 = "etalab-2.0", _("Licence Ouverte / Open Licence 2.0 (Etalab)")
    ODBL_1_0 = "ODbL-1.0", _("Open Database License 1.0 (ODbL)")

    @property
    def url(self) -> str:
        """The licence's page in the SPDX list, its identifier on the web."""
        return f"https://spdx.org/licenses/{self.value}.html"
