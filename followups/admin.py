from django.contrib import admin

from followups.models import FollowUp


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "kind", "status", "due_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "draft", "contact__name", "user__username"]
    raw_id_fields = ["user", "contact", "meeting"]
    date_hierarchy = "due_at"
