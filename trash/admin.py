from django.contrib import admin

from trash.models import TrashEntry


@admin.register(TrashEntry)
class TrashEntryAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "user", "deleted_at"]
    list_filter = ["kind"]
    search_fields = ["label"]
    readonly_fields = ["subject", "subject_id", "rows", "unlinked"]
