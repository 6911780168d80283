from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import AccountForm, ProfileForm, SignupForm
from accounts.models import Profile
from accounts.services import send_email_changed, sign_up
from accounts.signals import clock_changed
from netcrm.lib.http import form_data


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home:dashboard")
    form = SignupForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        user = sign_up(form)
        login(request, user, backend="accounts.backends.ModelBackend")
        messages.success(request, "Welcome to netcrm. Log your first meeting to get started.")
        return redirect("home:dashboard")
    return render(
        request, "registration/signup.html", {"form": form}, status=422 if form.is_bound else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(form_data(request), instance=request.profile)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            profile = form.save()
            if {"timezone", "morning_hour"} & set(form.changed_data):
                # What falls due at 9 on Friday still does, on the new clock.
                was = Profile(
                    timezone=form.initial["timezone"], morning_hour=form.initial["morning_hour"]
                )
                clock_changed.send(Profile, profile=profile, was=was)
        messages.success(request, "Settings saved.")
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {
        "form": form, "account_form": AccountForm(instance=request.user),
    }, status=422 if form.is_bound else 200)


@login_required
@require_POST
def edit_account(request: HttpRequest) -> HttpResponse:
    """Your name and email address, from the settings page (a form of its own there)."""
    old_email = request.user.email
    account_form = AccountForm(request.POST, instance=request.user)
    if account_form.is_valid():
        account_form.save()
        if account_form.email_changed():
            send_email_changed(request.user, old_email)
        messages.success(request, "Your name and email address are saved.")
        return redirect("accounts:settings")
    request.user.refresh_from_db()  # the page's "goes to …" says the address kept
    return render(request, "accounts/settings.html", {
        "form": ProfileForm(instance=request.profile), "account_form": account_form,
    }, status=422)
