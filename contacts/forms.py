from django import forms

from contacts.models import Contact, Organization


class ContactForm(forms.ModelForm):
    organization_name = forms.CharField(
        label="Organization", required=False, max_length=200,
        help_text="Typed once; netcrm reuses an organization of the same name.",
    )

    class Meta:
        model = Contact
        fields = ["name", "title", "email", "phone", "links", "source", "tags", "notes"]
        widgets = {
            "links": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["name"].widget.attrs.update(autofocus=True, autocomplete="off")
        if self.instance.organization_id:
            self.fields["organization_name"].initial = self.instance.organization.name
        self.order_fields(["name", "organization_name"])

    def save(self, commit: bool = True) -> Contact:
        contact = super().save(commit=False)
        contact.user = self.user
        contact.organization = Organization.objects.named(
            self.user, self.cleaned_data["organization_name"]
        )
        if commit:
            contact.save()
            self.save_m2m()
        return contact


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "website", "is_target", "quiet_hours", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance.user = user

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        clash = Organization.objects.for_user(self.user).filter(name__iexact=name)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("You have an organization of this name already.")
        return name
