"""The owner's forms: one per project and one per indicator, validated as the admin validates
(the model's ``full_clean``), each carrying the version it was shown with."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from indicators.models import IndicatorValue
from projects.models import Project
from steering.widgets import QuickSelect

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersionedForm(forms.ModelForm):
    #: The latest history id of the item when the page was shown ("" for none).
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, version: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version

    def has_changed(self) -> bool:
        return any(name != "version" for name in self.changed_data)

    def _post_clean(self):
        super()._post_clean()
        if self.errors or not self.has_changed():
            return
        # Every rule of the model, including those on fields this form leaves out (end ≥ start).
        try:
            self.instance.full_clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                target = field if field in self.fields else None
                if target is None and field != NON_FIELD_ERRORS:
                    label = self.instance._meta.get_field(field).verbose_name
                    messages = [f"{label} : {message}" for message in messages]
                for message in messages:
                    if target is None or message not in self.errors.get(target, []):
                        self.add_error(target, message)


class ProjectUpdateForm(VersionedForm):
    class Meta:
        model = Project
        fields = ("status", "progress", "end_date", "status_comment")
        widgets = {
            "status": QuickSelect(),
            "end_date": DateInput(),
            "status_comment": forms.Textarea(attrs={"rows": 3}),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "inputmode": "numeric"}),
        }
        labels = {"status_comment": _("commentaire")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].input_formats = DATE_FORMATS
        self.fields["status"].choices = Project.Status.choices


class ValueForm(VersionedForm):
    """A new value of an indicator; left empty, it records nothing."""

    class Meta:
        model = IndicatorValue
        fields = ("value", "date", "source", "comment")
        widgets = {
            "date": DateInput(),
            "value": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            "comment": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"value": _("nouvelle valeur")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, empty_permitted=True, use_required_attribute=False, **kwargs)
        self.fields["date"].input_formats = DATE_FORMATS
