from django.contrib import admin

from accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "timezone", "morning_hour", "thank_you_delay_days"]
    search_fields = ["user__username", "user__email"]
