"""Follow-up kinds come from a registry (choices by callable); "reciprocate" becomes
two kinds: "reply" (it answers a request for help) and "help_back" (it does not);
Problem records what the engine could not create."""

import django.db.models.deletion
import followups.kinds
from django.conf import settings
from django.db import migrations, models


def split_reciprocate(apps, schema_editor):
    FollowUp = apps.get_model("followups", "FollowUp")
    reciprocate = FollowUp.objects.filter(kind="reciprocate")
    reciprocate.filter(inbound_request__isnull=False).update(kind="reply")
    reciprocate.filter(inbound_request__isnull=True).update(kind="help_back")


def join_reciprocate(apps, schema_editor):
    FollowUp = apps.get_model("followups", "FollowUp")
    FollowUp.objects.filter(kind__in=["reply", "help_back"]).update(kind="reciprocate")


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0002_contact_keep_in_touch_days_note'),
        ('followups', '0003_digestlog_heartbeat_followup_inbound_request_and_more'),
        ('meetings', '0004_questiontemplate'),
        ('reciprocity', '0001_initial'),
        ('referrals', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Problem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=20)),
                ('subject', models.CharField(help_text='The model of the subject.', max_length=100)),
                ('subject_id', models.BigIntegerField()),
                ('error', models.TextField()),
                ('first_seen_at', models.DateTimeField()),
                ('last_seen_at', models.DateTimeField()),
                ('attempts', models.PositiveIntegerField(default=1)),
            ],
            options={
                'ordering': ['-last_seen_at', 'pk'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='followup',
            name='followup_one_help_back_per_meeting_contact',
        ),
        migrations.RunPython(split_reciprocate, join_reciprocate),
        migrations.AlterField(
            model_name='followup',
            name='kind',
            field=models.CharField(choices=followups.kinds.choices, max_length=20),
        ),
        migrations.AddConstraint(
            model_name='followup',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'help_back')), fields=('meeting', 'contact'), name='followup_one_help_back_per_meeting_contact'),
        ),
        migrations.AddField(
            model_name='problem',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='problem',
            index=models.Index(fields=['user', '-last_seen_at'], name='problem_user_seen_idx'),
        ),
        migrations.AddConstraint(
            model_name='problem',
            constraint=models.UniqueConstraint(fields=('kind', 'subject', 'subject_id'), name='problem_one_per_kind_subject'),
        ),
    ]
