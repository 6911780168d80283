from django.contrib import admin

from reciprocity.models import InboundRequest


@admin.register(InboundRequest)
class InboundRequestAdmin(admin.ModelAdmin):
    list_display = ["contact", "user", "ask", "status", "received_at"]
    list_filter = ["ask", "status"]
    search_fields = ["details", "contact__name", "user__username"]
    raw_id_fields = ["user", "contact"]
