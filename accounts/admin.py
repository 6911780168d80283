from django.contrib import admin

from accounts.models import Profile, Submission


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "timezone", "morning_hour", "thank_you_delay_days"]
    search_fields = ["user__username", "user__email"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["key", "user", "status", "location", "created_at"]
    raw_id_fields = ["user"]
    search_fields = ["user__username", "location"]
