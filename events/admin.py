from django.contrib import admin

from events.models import Event, EventVisit


class EventVisitInline(admin.TabularInline):
    model = EventVisit
    extra = 0
    fields = ["on", "notes", "people"]
    raw_id_fields = ["people"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "recurrence", "user", "created_at"]
    list_filter = ["kind", "recurrence"]
    search_fields = ["name", "organizer", "location", "notes", "user__username"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]
    inlines = [EventVisitInline]


@admin.register(EventVisit)
class EventVisitAdmin(admin.ModelAdmin):
    list_display = ["event", "on", "user"]
    search_fields = ["event__name", "notes", "user__username"]
    raw_id_fields = ["user", "event", "people"]
    list_select_related = ["event", "user"]
    date_hierarchy = "on"
