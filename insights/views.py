from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from insights import charts
from insights.forms import WeeklyGoalForm
from insights.models import WeeklyGoal
from insights.services import insights as compute
from netcrm.lib.http import form_data


@login_required
@require_GET
def insights(request: HttpRequest) -> HttpResponse:
    """Is it working: the funnel week by week, where meetings come from, and what to
    change, in plain words."""
    found = compute(request.user, request.profile)
    by = {stage.key: stage for stage in found.stages}
    context = {
        "insights": found,
        "weekly_chart": charts.weekly(found.weeks, [
            ("Asked", "bar-asked", by["asked"].weeks),
            ("Meetings", "bar-met", by["met"].weeks),
            ("Referrals received", "bar-referrals", by["referrals"].weeks),
        ]),
        "funnel_chart": charts.funnel([(stage.label, stage.total) for stage in found.stages]),
        "goal_form": WeeklyGoalForm(instance=found.progress.goal),
    }
    return render(request, "insights/insights.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit_goals(request: HttpRequest) -> HttpResponse:
    form = WeeklyGoalForm(form_data(request), instance=WeeklyGoal.for_user(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Weekly goals saved.")
        return redirect("insights:insights")
    return render(
        request, "insights/goals.html", {"form": form}, status=422 if form.is_bound else 200
    )
