from django.contrib import admin

from referrals.models import Referral


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "intro_status", "progress", "referred_on"]
    list_filter = ["intro_status", "progress", "referred_on"]
    search_fields = ["referrer__name", "referred__name", "reason", "user__username"]
    raw_id_fields = ["user", "referrer", "referred", "meeting", "met_meeting"]
    list_select_related = ["referrer", "referred", "user"]
    date_hierarchy = "referred_on"
