from django.db import migrations, models


class Migration(migrations.Migration):
    """The open queue by due time: a partial index on (user, due_at) of the pending and
    snoozed follow-ups, which stays small while done and skipped rows pile up."""

    dependencies = [
        ("followups", "0007_merge_0006_followup_lead_0006_followup_outreach"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("status__in", ["pending", "snoozed"])),
                fields=["user", "due_at"],
                name="followup_open_due_idx",
            ),
        ),
    ]
