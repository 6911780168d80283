from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from contacts.forms import ContactForm, OrganizationForm
from contacts.models import Contact, Organization
from followups.models import FollowUp
from netcrm.lib.http import form_data, wants_fragment
from referrals import graph
from referrals.models import Referral
from meetings.models import Meeting

TIMELINE_LIMIT = 50


@login_required
@vary_on_headers("HX-Request")
@require_GET
def contact_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    contacts = (
        Contact.objects.for_user(request.user)
        .search(query)
        .select_related("organization")
        .prefetch_related("tags")
    )
    page = Paginator(contacts, settings.NETCRM_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query}
    template = "contacts/list.html#contact-rows" if wants_fragment(request) else "contacts/list.html"
    return render(request, template, context)


@login_required
@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = (
        Contact.objects.select_related("organization")
        .prefetch_related("tags")
        .get_for_user_or_404(request.user, pk=pk)
    )
    meetings = list(
        Meeting.objects.for_user(request.user)
        .filter(contacts=contact)
        .with_contacts()
        .order_by("-starts_at")[:TIMELINE_LIMIT]
    )
    followups = list(
        FollowUp.objects.for_user(request.user)
        .filter(contact=contact)
        .select_related("meeting")
        .order_by("-due_at")[:TIMELINE_LIMIT]
    )
    chains = graph.named_chains(request.user.pk, contact)
    tree, reached = graph.led_to(request.user.pk, contact)
    referred_by = list(
        Referral.objects.for_user(request.user).filter(referred=contact).with_people()
    )
    timeline = sorted(
        [("meeting", m.starts_at, m) for m in meetings]
        + [("followup", f.due_at, f) for f in followups],
        key=lambda entry: entry[1],
        reverse=True,
    )
    return render(
        request,
        "contacts/detail.html",
        {
            "contact": contact,
            "timeline": timeline,
            "chains": chains,
            "tree": tree,
            "reached": reached,
            "referred_by": referred_by,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest) -> HttpResponse:
    form = ContactForm(form_data(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        contact = form.save()
        messages.success(request, f"Added {contact.name}.")
        return redirect(contact)
    return render(
        request, "contacts/form.html", {"form": form}, status=422 if form.is_bound else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = Contact.objects.select_related("organization").get_for_user_or_404(
        request.user, pk=pk
    )
    form = ContactForm(form_data(request), instance=contact, user=request.user)
    if request.method == "POST" and form.is_valid():
        contact = form.save()
        messages.success(request, f"Saved {contact.name}.")
        return redirect(contact)
    return render(
        request,
        "contacts/form.html",
        {"form": form, "contact": contact},
        status=422 if form.is_bound else 200,
    )


@login_required
@require_GET
def organization_list(request: HttpRequest) -> HttpResponse:
    organizations = (
        Organization.objects.for_user(request.user)
        .annotate(contact_count=Count("contacts"))
        .order_by(Lower("name"), "pk")  # GROUP BY drops Meta.ordering
    )
    page = Paginator(organizations, settings.NETCRM_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contacts/organization_list.html", {"page": page})


@login_required
@require_GET
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = Organization.objects.get_for_user_or_404(request.user, pk=pk)
    contacts = organization.contacts.order_by(Lower("name"), "pk")[:200]
    return render(
        request,
        "contacts/organization_detail.html",
        {"organization": organization, "contacts": contacts},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    return _organization_form(request, Organization())


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _organization_form(
        request, Organization.objects.get_for_user_or_404(request.user, pk=pk)
    )


def _organization_form(request: HttpRequest, organization: Organization) -> HttpResponse:
    form = OrganizationForm(form_data(request), instance=organization, user=request.user)
    if request.method == "POST" and form.is_valid():
        organization = form.save()
        messages.success(request, f"Saved {organization.name}.")
        return redirect(organization)
    return render(
        request,
        "contacts/organization_form.html",
        {"form": form, "organization": organization},
        status=422 if form.is_bound else 200,
    )
