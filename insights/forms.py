from django import forms

from insights.models import WeeklyGoal
from netcrm.lib.forms import CheckedFormMixin


class WeeklyGoalForm(CheckedFormMixin, forms.ModelForm):
    class Meta:
        model = WeeklyGoal
        fields = ["meetings", "referrals_per_meeting"]
