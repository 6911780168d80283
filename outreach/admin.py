from django.contrib import admin

from outreach.models import Outreach


@admin.register(Outreach)
class OutreachAdmin(admin.ModelAdmin):
    list_display = ["contact", "user", "channel", "asked_at", "answer", "answered_at", "meeting"]
    list_filter = ["answer", "channel"]
    search_fields = ["contact__name", "purpose", "user__username"]
    raw_id_fields = ["user", "contact", "referral", "meeting"]
    list_select_related = ["contact", "user", "meeting"]
    date_hierarchy = "asked_at"
