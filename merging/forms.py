from __future__ import annotations

from django import forms

from contacts.models import Contact
from merging.services import KEPT, OTHER, FieldChoice, field_choices
from netcrm.lib.forms import CheckedFormMixin


class MergeForm(CheckedFormMixin, forms.Form):
    """What to keep, field by field: a choice for each field where both have a value
    and they differ; elsewhere the value that is there is kept."""

    def __init__(self, data=None, *, kept: Contact, other: Contact):
        super().__init__(data)
        self.kept, self.other = kept, other
        self.choices: list[FieldChoice] = field_choices(kept, other)
        for choice in self.choices:
            if choice.conflict:
                self.fields[choice.name] = forms.ChoiceField(
                    label=choice.label, widget=forms.RadioSelect, initial=choice.pick,
                    required=False,  # not sent: the default
                    choices=[(KEPT, str(choice.kept)), (OTHER, str(choice.other))],
                )

    def rows(self) -> list[tuple[FieldChoice, forms.BoundField | None]]:
        return [(c, self[c.name] if c.name in self.fields else None) for c in self.choices]

    def picks(self) -> dict[str, str]:
        return {name: value for name in self.fields if (value := self.cleaned_data[name])}
