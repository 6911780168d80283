from django.contrib import admin

from meetings.models import Meeting, QuestionTemplate


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "kind", "starts_at", "paid_by"]
    list_filter = ["kind", "invited_by", "paid_by"]
    search_fields = ["purpose", "notes", "contacts__name", "user__username"]
    raw_id_fields = ["user"]
    filter_horizontal = ["contacts"]
    date_hierarchy = "starts_at"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("contacts")  # the titles name them


@admin.register(QuestionTemplate)
class QuestionTemplateAdmin(admin.ModelAdmin):
    list_display = ["text", "user"]
    search_fields = ["text", "user__username"]
    raw_id_fields = ["user"]
