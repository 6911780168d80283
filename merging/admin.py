from django.contrib import admin

from merging.models import DismissedPair


@admin.register(DismissedPair)
class DismissedPairAdmin(admin.ModelAdmin):
    list_display = ["first", "second", "user", "dismissed_at"]
    raw_id_fields = ["first", "second", "user"]
