from django.contrib import admin

from contacts.models import Contact, Note, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "is_target", "created_at"]
    list_filter = ["is_target"]
    search_fields = ["name", "user__username"]
    raw_id_fields = ["user"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "user", "source", "last_interaction_at"]
    list_filter = ["source"]
    search_fields = ["name", "email", "organization__name", "user__username"]
    raw_id_fields = ["user", "organization"]
    list_select_related = ["organization", "user"]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["contact", "user", "happened_at"]
    search_fields = ["body", "contact__name", "user__username"]
    raw_id_fields = ["user", "contact"]
