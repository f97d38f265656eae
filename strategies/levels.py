"""The levels of a strategy's cascade and what the strategy calls them.

The cascade is explicit in the models: axes → domains → measures → projects. A strategy says which
of the middle levels it uses (``Strategy.uses_domains``, ``Strategy.uses_measures``: axes and
projects are always used) and how it names each level (``Strategy.level_names``, a small JSON
object edited in the admin): singular, plural and grammatical gender in French, optionally in
English (falling back to French), and the code prefix of its rows. The SDI of Crans-Montana calls
them Axe / Domaine d'intervention / Mesure / Projet; the CCVH plan Orientation / Action; a Nord
contract Enjeu / Orientation / Projet.

``Levels`` is what pages, sheets, forms and messages read: ``strategy.levels.measure.plural``,
``levels.project.none`` (« Aucun projet », « Aucune action »), ``levels.axis.of_the`` (« de
l'orientation »).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

AXIS, DOMAIN, MEASURE, PROJECT = "axis", "domain", "measure", "project"
KINDS = (AXIS, DOMAIN, MEASURE, PROJECT)
OPTIONAL_KINDS = (DOMAIN, MEASURE)
FEMININE, MASCULINE = "f", "m"
#: The keys of one level's entry in ``Strategy.level_names``.
NAME_KEYS = ("singular", "plural", "gender", "singular_en", "plural_en", "prefix")

#: What a level is called by default (the SDI's words); translated like any other text.
DEFAULTS = {
    AXIS: (gettext_lazy("axe"), gettext_lazy("axes"), MASCULINE, ""),
    DOMAIN: (
        gettext_lazy("domaine d'intervention"),
        gettext_lazy("domaines d'intervention"),
        MASCULINE,
        "",
    ),
    MEASURE: (gettext_lazy("mesure"), gettext_lazy("mesures"), FEMININE, "m"),
    PROJECT: (gettext_lazy("projet"), gettext_lazy("projets"), MASCULINE, "p"),
}

#: What each level is in the cascade, for the admin's help.
KIND_LABELS = {
    AXIS: gettext_lazy("axes (niveau 1)"),
    DOMAIN: gettext_lazy("domaines (niveau facultatif)"),
    MEASURE: gettext_lazy("mesures (niveau facultatif)"),
    PROJECT: gettext_lazy("projets (dernier niveau)"),
}

_VOWELS = frozenset("aâàäeéèêëiîïoôöuùûüyœæAÂÀÄEÉÈÊËIÎÏOÔÖUÙÛÜYŒÆ")


def _elides(word: str) -> bool:
    return bool(word) and word[0] in _VOWELS


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class LevelName:
    """One level's words in the language of the moment."""

    kind: str
    singular: str
    plural: str
    feminine: bool
    prefix: str
    french: bool = True
    #: The strategy's own word (False: the default word, translated).
    custom: bool = True

    def __str__(self) -> str:
        return self.singular

    @property
    def Singular(self) -> str:
        return _cap(self.singular)

    @property
    def Plural(self) -> str:
        return _cap(self.plural)

    def noun(self, count: int) -> str:
        """The singular for one (or none, as French counts), the plural otherwise."""
        one = count in (0, 1) if self.french else count == 1
        return self.singular if one else self.plural

    @property
    def e(self) -> str:
        """The French feminine ending of a word agreeing with the level (« affichée »)."""
        return "e" if self.french and self.feminine else ""

    @property
    def the(self) -> str:
        """« la mesure », « l'orientation », « le projet » (« the measure »)."""
        if not self.french:
            return f"the {self.singular}"
        if _elides(self.singular):
            return f"l'{self.singular}"
        return f"{'la' if self.feminine else 'le'} {self.singular}"

    @property
    def this(self) -> str:
        """« cette mesure », « cet axe », « ce projet » (« this measure »)."""
        if not self.french:
            return f"this {self.singular}"
        if self.feminine:
            return f"cette {self.singular}"
        return f"{'cet' if _elides(self.singular) else 'ce'} {self.singular}"

    @property
    def of_the(self) -> str:
        """« de la mesure », « de l'orientation », « du projet » (« of the measure »)."""
        if not self.french:
            return f"of the {self.singular}"
        if _elides(self.singular):
            return f"de l'{self.singular}"
        return f"{'de la' if self.feminine else 'du'} {self.singular}"

    @property
    def a(self) -> str:
        """« une mesure », « un enjeu » (« a measure », « an action »)."""
        if not self.french:
            return f"{'an' if _elides(self.singular) else 'a'} {self.singular}"
        return f"{'une' if self.feminine else 'un'} {self.singular}"

    @property
    def none(self) -> str:
        """« Aucune mesure », « Aucun enjeu » (« No measure »)."""
        if not self.french:
            return f"No {self.singular}"
        return f"{'Aucune' if self.feminine else 'Aucun'} {self.singular}"

    @property
    def every(self) -> str:
        """« toutes les mesures », « tous les projets » (« all measures »)."""
        if not self.french:
            return f"all {self.plural}"
        return f"{'toutes' if self.feminine else 'tous'} les {self.plural}"


class Levels:
    """The four levels of one strategy: which are used and their names, in the active language."""

    def __init__(self, names: dict | None, uses_domains: bool = True, uses_measures: bool = True):
        self.names = names or {}
        self.uses_domains = uses_domains
        self.uses_measures = uses_measures

    def __getitem__(self, kind: str) -> LevelName:
        return self.name(kind)

    def used(self, kind: str) -> bool:
        return {DOMAIN: self.uses_domains, MEASURE: self.uses_measures}.get(kind, True)

    def name(self, kind: str, language: str | None = None) -> LevelName:
        language = language or get_language() or "fr"
        english = language.startswith("en")
        entry = self.names.get(kind) or {}
        default_singular, default_plural, default_gender, default_prefix = DEFAULTS[kind]
        gender = entry.get("gender") or default_gender
        prefix = entry.get("prefix", default_prefix) or ""
        singular, plural = entry.get("singular", ""), entry.get("plural", "")
        if not singular:
            # The default words, translated like the rest of the interface.
            return LevelName(
                kind,
                str(default_singular),
                str(default_plural),
                gender == FEMININE,
                prefix,
                french=not english,
                custom=False,
            )
        if english and entry.get("singular_en"):
            return LevelName(
                kind,
                entry["singular_en"],
                entry.get("plural_en") or entry["singular_en"],
                False,
                prefix,
                french=False,
            )
        # The strategy's own word, in French, also read by an English reader when it has none.
        return LevelName(kind, singular, plural or singular, gender == FEMININE, prefix)

    @property
    def axis(self) -> LevelName:
        return self.name(AXIS)

    @property
    def domain(self) -> LevelName:
        return self.name(DOMAIN)

    @property
    def measure(self) -> LevelName:
        return self.name(MEASURE)

    @property
    def project(self) -> LevelName:
        return self.name(PROJECT)

    @property
    def kinds(self) -> list[str]:
        """The levels the strategy uses, from the top."""
        return [kind for kind in KINDS if self.used(kind)]

    @property
    def shape(self) -> str:
        """« Axe → Domaine d'intervention → Mesure → Projet », in the strategy's words."""
        return " → ".join(self.name(kind).Singular for kind in self.kinds)


def clean_level_names(names) -> dict:
    """The admin's and the workbook's entries, checked and trimmed; raises ``ValueError``."""
    if names in (None, ""):
        return {}
    if not isinstance(names, dict):
        raise ValueError(_("Les noms des niveaux doivent être un objet JSON."))
    cleaned = {}
    for kind, entry in names.items():
        if kind not in KINDS:
            raise ValueError(_("Niveau inconnu : %(kind)s.") % {"kind": kind})
        if not isinstance(entry, dict):
            raise ValueError(
                _("Niveau %(kind)s : une liste de noms est attendue.") % {"kind": kind}
            )
        unknown = set(entry) - set(NAME_KEYS)
        if unknown:
            raise ValueError(
                _("Niveau %(kind)s : clé inconnue %(keys)s.")
                % {"kind": kind, "keys": ", ".join(sorted(unknown))}
            )
        values = {key: str(entry.get(key) or "").strip() for key in NAME_KEYS if entry.get(key)}
        if values.get("gender", MASCULINE) not in (FEMININE, MASCULINE):
            raise ValueError(_("Le genre d'un niveau est « f » ou « m »."))
        if values.get("plural") and not values.get("singular"):
            raise ValueError(
                _("Niveau %(kind)s : donnez le singulier avec le pluriel.") % {"kind": kind}
            )
        if values:
            cleaned[kind] = values
    return cleaned
