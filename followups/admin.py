from django.contrib import admin

from followups.models import DigestLog, FollowUp, Heartbeat, Problem


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "kind", "status", "due_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "draft", "contact__name", "user__username"]
    raw_id_fields = ["user", "contact", "meeting", "referral", "inbound_request"]
    date_hierarchy = "due_at"


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "last_seen_at"]


@admin.register(DigestLog)
class DigestLogAdmin(admin.ModelAdmin):
    list_display = ["user", "day", "claimed_at", "sent_at", "followup_count"]
    raw_id_fields = ["user"]


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject", "subject_id", "user", "attempts", "first_seen_at", "last_seen_at"]
    list_filter = ["kind", "subject"]
    search_fields = ["error", "user__username"]
    raw_id_fields = ["user"]
