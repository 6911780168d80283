from django.contrib import admin

from jobs.models import Lead, LeadMove


class LeadMoveInline(admin.TabularInline):
    model = LeadMove
    extra = 0
    fields = ["from_status", "to_status", "outcome", "at"]
    readonly_fields = fields


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["role", "organization", "user", "status", "outcome", "found_on", "moved_at"]
    list_filter = ["status", "outcome", "source"]
    search_fields = ["role", "organization__name", "notes", "user__username"]
    raw_id_fields = ["user", "organization", "contacts"]
    list_select_related = ["organization", "user"]
    date_hierarchy = "found_on"
    inlines = [LeadMoveInline]


@admin.register(LeadMove)
class LeadMoveAdmin(admin.ModelAdmin):
    list_display = ["__str__", "lead", "user", "at"]
    list_filter = ["to_status", "outcome"]
    search_fields = ["lead__role", "lead__organization__name", "user__username"]
    raw_id_fields = ["user", "lead"]
    list_select_related = ["lead__organization", "user"]
