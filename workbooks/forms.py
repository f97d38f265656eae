"""The upload form of a strategy workbook: one xlsx, checked for size before it is read."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from spreadsheets.text import file_size


class WorkbookUploadForm(forms.Form):
    workbook = forms.FileField(label=_("Classeur (.xlsx)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workbook"].help_text = _(
            "Le classeur de la stratégie, au format Excel (.xlsx), de %(limit)s au plus."
        ) % {"limit": file_size(settings.SPREADSHEET_IMPORT_MAX_SIZE)}
        self.fields["workbook"].widget.attrs["accept"] = (
            ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        limit = settings.SPREADSHEET_IMPORT_MAX_SIZE
        if upload.size > limit:
            raise forms.ValidationError(
                _("Le fichier pèse %(size)s : la limite est de %(limit)s."),
                params={"size": file_size(upload.size), "limit": file_size(limit)},
            )
        return upload
