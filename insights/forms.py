from django import forms

from insights.models import WeeklyGoal
from netcrm.lib.forms import CheckedFormMixin


class WeeklyGoalForm(CheckedFormMixin, forms.ModelForm):
    class Meta:
        model = WeeklyGoal
        fields = ["meetings", "referrals_per_meeting"]
        # The model's own bounds, in the product's words (Django's said "greater than or
        # equal to 0" for -3, from the column's bound, where the goal starts at 1).
        error_messages = {
            "meetings": {
                "min_value": "At least one meeting a week: that is how a search moves.",
                "max_value": "At most 50 a week.",
                "invalid": "A whole number of meetings, such as 3.",
                "required": "How many meetings a week? 3 is a good start.",
            },
            "referrals_per_meeting": {
                "min_value": "At least 0.1 referrals a meeting.",
                "max_value": "At most 9.9 referrals a meeting.",
                "max_decimal_places": "One decimal at most, such as 1.5.",
                "max_digits": "At most 9.9 referrals a meeting.",
                "max_whole_digits": "At most 9.9 referrals a meeting.",
                "invalid": "A number, such as 1 or 1.5.",
                "required": "How many new referrals a meeting? 1 is a good start.",
            },
        }
