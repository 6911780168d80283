from django.contrib import admin

from insights.models import WeeklyGoal


@admin.register(WeeklyGoal)
class WeeklyGoalAdmin(admin.ModelAdmin):
    list_display = ["user", "meetings", "referrals_per_meeting"]
