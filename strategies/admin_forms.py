"""The strategy's form in the admin: its shape (which levels it uses) and what it calls each
level, as plain fields rather than the JSON they are stored in (``Strategy.level_names``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .levels import FEMININE, KIND_LABELS, KINDS, MASCULINE, NAME_KEYS, clean_level_names
from .models import Strategy

NAME_LABELS = {
    "singular": _("singulier"),
    "plural": _("pluriel"),
    "gender": _("genre"),
    "singular_en": _("singulier (anglais)"),
    "plural_en": _("pluriel (anglais)"),
    "prefix": _("préfixe des codes"),
}
GENDERS = [("", "–"), (FEMININE, _("féminin")), (MASCULINE, _("masculin"))]


def level_field_name(kind: str, key: str) -> str:
    return f"level_{kind}_{key}"


def _level_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for kind in KINDS:
        for key in NAME_KEYS:
            if key == "gender":
                field = forms.ChoiceField(label=NAME_LABELS[key], choices=GENDERS, required=False)
            else:
                field = forms.CharField(
                    label=NAME_LABELS[key], required=False, max_length=20 if key == "prefix" else 60
                )
            fields[level_field_name(kind, key)] = field
    return fields


class StrategyAdminFormBase(forms.ModelForm):
    class Meta:
        model = Strategy
        # The admin gives the fields of its fieldsets; ``level_names`` is written by ``clean``.
        fields = ("territory", "title")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        names = self.instance.level_names or {}
        for kind in KINDS:
            for key in NAME_KEYS:
                name = level_field_name(kind, key)
                if name in self.fields:
                    self.fields[name].initial = (names.get(kind) or {}).get(key, "")

    def clean(self):
        cleaned = super().clean()
        entries = {
            kind: {key: cleaned.get(level_field_name(kind, key)) or "" for key in NAME_KEYS}
            for kind in KINDS
        }
        try:
            self.instance.level_names = clean_level_names(entries)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        return cleaned


StrategyAdminForm = type(
    "StrategyAdminForm",
    (StrategyAdminFormBase,),
    {"__module__": __name__, **_level_fields()},
)


def level_fieldsets() -> tuple:
    """One collapsed fieldset per level: its French words on one line, English and prefix on the
    next."""
    return tuple(
        (
            _("Noms : %(level)s") % {"level": KIND_LABELS[kind]},
            {
                "classes": ("collapse",),
                "fields": (
                    tuple(level_field_name(kind, key) for key in ("singular", "plural", "gender")),
                    tuple(
                        level_field_name(kind, key)
                        for key in ("singular_en", "plural_en", "prefix")
                    ),
                ),
            },
        )
        for kind in KINDS
    )
