"""Settings → API tokens: make one (shown once), see when each was last used, revoke."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.submissions import create_once
from api.forms import TokenForm
from api.models import ApiToken
from netcrm.lib.http import form_data

# The new token rides to the page that shows it in a short-lived signed cookie of the
# user's own browser, read once: the database never holds it, not even the session's.
NEW_TOKEN_COOKIE = "netcrm_new_api_token"
NEW_TOKEN_SALT = "api.new-token"
NEW_TOKEN_SECONDS = 120


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@create_once
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(form_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        row, token = ApiToken.issue(request.user, form.cleaned_data["name"])
        response = redirect("tokens:token-list")
        response.set_signed_cookie(
            NEW_TOKEN_COOKIE, f"{row.pk}:{token}", salt=NEW_TOKEN_SALT,
            max_age=NEW_TOKEN_SECONDS, path=reverse("tokens:token-list"), httponly=True,
            secure=settings.SESSION_COOKIE_SECURE, samesite="Strict",
        )
        return response
    new = None
    value = request.get_signed_cookie(
        NEW_TOKEN_COOKIE, default=None, salt=NEW_TOKEN_SALT, max_age=NEW_TOKEN_SECONDS
    )
    if value and request.method == "GET":
        pk, _, token = value.partition(":")
        new = ApiToken.objects.for_user(request.user).active().filter(pk=pk).first()
        if new is not None:
            new.token = token
    tokens = ApiToken.objects.for_user(request.user)
    response = render(
        request, "api/tokens.html", {"form": form, "tokens": tokens, "new": new},
        status=422 if form.is_bound else 200,
    )
    if value:
        response.delete_cookie(NEW_TOKEN_COOKIE, path=reverse("tokens:token-list"))
    return response


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.get_for_user_or_404(request.user, pk=pk)
    if token.revoke():
        messages.success(request, f"Revoked {token.name}: it no longer works.")
    else:
        messages.info(request, f"{token.name} was revoked already.")
    return redirect("tokens:token-list")
