from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from accounts.submissions import create_once
from contacts.models import Contact
from netcrm.lib.http import form_data, id_from, next_url, query_text, wants_fragment
from referrals import graph as referral_graph
from referrals import network as queries
from referrals.layout import (
    NAME_SIZE,
    NAME_SIZE_TIGHT,
    SUB_SIZE,
    TEXT_ROOM,
    Box,
    fit_text,
    forest_layers,
    layered_layout,
    neighbourhood_layers,
    text_width,
)
from referrals.forms import ContactReferralForm, ReferralForm
from netcrm.lib.undo import offer
from trash.services import move_to_trash
from referrals.models import Referral

SEARCH_LIMIT = 8
GRAPH_LIMIT = 150  # people drawn at most
GRAPH_EDGE_LIMIT = 5000  # referrals read for the whole-network drawing
NEIGHBOURHOOD_STEPS = 2
TREE_CHAINS = 3


def contact_from_query(request: HttpRequest, param: str) -> Contact | None:
    """The user's contact named by ?param=<id>; None when absent, 404 when not theirs."""
    value = request.GET.get(param, "").strip()
    if not value:
        return None
    pk = id_from(value)
    if pk is None:
        raise Http404("No such contact.")
    return Contact.objects.select_related("organization").get_for_user_or_404(
        request.user, pk=pk
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def network(request: HttpRequest) -> HttpResponse:
    """The whole network as a forest of first links, a search, chains, best connectors."""
    user = request.user
    query = query_text(request)
    results = (
        list(Contact.objects.for_user(user).search(query).select_related("organization")[
            :SEARCH_LIMIT
        ])
        if query
        else []
    )
    if wants_fragment(request):
        return render(
            request, "referrals/network.html#search-results", {"query": query, "results": results}
        )

    focus = contact_from_query(request, "focus")
    overview = queries.overview(user)
    counts = overview["counts"]
    context = {"query": query, "results": results, "focus": focus, "counts": counts}
    chains: list[referral_graph.Chain] = []
    if focus:
        chains = referral_graph.chains_to(user.pk, focus.pk)
        # Everyone on every chain, named in one query.
        people = Contact.objects.for_user(user).in_bulk({pk for c in chains for pk in c})
        context["chains"] = [chain.named(people) for chain in chains]
    if counts["total"]:
        first_links = {chain[0] for chain in chains}
        page, nodes = queries.first_links_page(
            user, overview["roots"], request.GET.get("page"), first=first_links
        )
        if focus:
            # The panel lists every chain; the tree opens along the shortest few (every
            # chain through a braid of connectors would draw the same people many times).
            queries.expand_chains(nodes, user, chains[:TREE_CHAINS], focus.pk)
        context |= {
            "page": page,
            "nodes": nodes,
            "connectors": overview["connectors"],
            "meetings": overview["meetings"],
        }
    return render(request, "referrals/network.html", context)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def children(request: HttpRequest, contact_id: int) -> HttpResponse:
    """The people one contact referred you to: the next level of the tree.

    With htmx, the list that opens under them; without, a page of its own.
    """
    parent = Contact.objects.select_related("organization").get_for_user_or_404(
        request.user, pk=contact_id
    )
    nodes, more = queries.children(request.user, parent.pk)
    context = {"parent": parent, "nodes": nodes, "more": more}
    if wants_fragment(request):
        return render(request, "referrals/network.html#children", context)
    return render(request, "referrals/network.html", context)


@dataclass(frozen=True)
class DrawnNode:
    box: Box
    contact: Contact
    focus: bool

    @property
    def tight(self) -> bool:
        """A name too long for the usual size is drawn a little smaller before it is cut."""
        return text_width(self.contact.name, NAME_SIZE, bold=True) > TEXT_ROOM

    @property
    def name(self) -> str:
        return fit_text(self.contact.name, NAME_SIZE_TIGHT if self.tight else NAME_SIZE, bold=True)

    @property
    def organization(self) -> str:
        organization = self.contact.organization
        return fit_text(organization.name, SUB_SIZE) if organization else ""


@login_required
@require_GET
@vary_on_headers("HX-Request")
def graph(request: HttpRequest) -> HttpResponse:
    """Who referred whom, drawn: the whole network, or one person's neighbourhood."""
    user = request.user
    focus = contact_from_query(request, "contact")
    edge_capped = False
    if focus:
        layers, truncated = neighbourhood_layers(
            focus.pk,
            referral_graph.ancestors(user.pk, focus.pk, NEIGHBOURHOOD_STEPS),
            referral_graph.descendants(user.pk, focus.pk, NEIGHBOURHOOD_STEPS),
            GRAPH_LIMIT,
        )
        edges = list(
            Referral.objects.for_user(user)
            .filter(referrer_id__in=list(layers), referred_id__in=list(layers))
            .values_list("referrer_id", "referred_id")
        )
        total, groups = None, None
    else:
        edges = list(
            Referral.objects.for_user(user)
            .order_by("pk")
            .values_list("referrer_id", "referred_id")[:GRAPH_EDGE_LIMIT]
        )
        edge_capped = len(edges) == GRAPH_EDGE_LIMIT
        layers, groups, truncated = forest_layers(edges, GRAPH_LIMIT)
        total = len({pk for edge in edges for pk in edge})
    contacts = (
        Contact.objects.for_user(user).select_related("organization").in_bulk(list(layers))
        if layers
        else {}
    )
    layers = {pk: layer for pk, layer in layers.items() if pk in contacts}
    layout = layered_layout(
        layers,
        edges,
        order={pk: c.name.lower() for pk, c in contacts.items()},
        groups=groups,
        labelled=focus is not None,
    )
    focus_pk = focus.pk if focus else None
    context = {
        "focus": focus,
        "layout": layout,
        "nodes": [DrawnNode(box, contacts[box.id], box.id == focus_pk) for box in layout.boxes],
        "bands": [
            (band, band_label(band.layer, focus, room=layout.width - 4)) for band in layout.bands
        ],
        "focus_pk": focus_pk,
        "shown": len(layers),
        "total": total,
        "truncated": truncated or edge_capped,
        # The caption says what a dashed arrow is when one is drawn.
        "back_lines": any(line.back for line in layout.lines),
    }
    if wants_fragment(request):
        return render(request, "referrals/graph.html#graph-figure", context)
    return render(request, "referrals/graph.html", context)


def band_label(layer: int, focus: Contact | None, room: float) -> str:
    """What a layer of a neighbourhood holds (the whole network's trees go unlabelled),
    the name in it cut short to fit `room` (a wide one went past the drawing's edge)."""
    if focus is None:
        return ""
    label = {
        -2: "Two steps before",
        -1: "Referred you to {}",
        1: "{} referred you to",
        2: "…who referred you to",
    }.get(layer, "")
    if "{}" not in label:
        return label
    rest = text_width(label.replace("{}", ""), SUB_SIZE)
    return label.format(fit_text(focus.first_name, SUB_SIZE, room=room - rest))


# Adding, editing and removing referrals from a contact's page ----------------------


@login_required
@require_POST
@create_once
def add_referral(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Someone this contact suggested, or someone who suggested them (form on their page;
    a mistake comes back on a page of the form alone, or as the form with htmx)."""
    contact = Contact.objects.get_for_user_or_404(request.user, pk=contact_id)
    form = ContactReferralForm(request.POST, contact=contact)
    if not form.is_valid():  # what was typed comes back, with what to fix
        template = "referrals/add.html" + ("#referral-form" if wants_fragment(request) else "")
        return render(request, template, {"form": form, "contact": contact}, status=422)
    referral = form.save()
    messages.success(request, f"Saved: {referral.referrer.name} → {referral.referred.name}.")
    for said in loop_warnings(request.user, [referral]):
        messages.warning(request, said)
    return redirect(contact)


def loop_warnings(user, referrals) -> list[str]:
    """What to say of the referrals just saved that close a loop (graph.loops_closed_by):
    saved all the same (two people can name each other), but one entered the wrong way
    round shows this way."""
    return [
        "That closes a loop: {}. If one of these is the wrong way round, edit it.".format(
            " → ".join(person.name for person in loop)
        )
        for loop in referral_graph.loops_closed_by(user.pk, referrals)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def edit_referral(request: HttpRequest, pk: int) -> HttpResponse:
    referral = Referral.objects.with_people().get_for_user_or_404(request.user, pk=pk)
    form = ReferralForm(form_data(request), instance=referral)
    back = next_url(request) or referral.referred.get_absolute_url()
    if request.method == "POST" and form.is_valid():
        referral = form.save()
        messages.success(request, f"Saved: {referral}.")
        if "referrer" in form.changed_data:  # another of the people met gave it: a loop?
            for said in loop_warnings(request.user, [referral]):
                messages.warning(request, said)
        return redirect(back)
    return render(
        request, "referrals/edit.html", {"form": form, "referral": referral, "back": back},
        status=422 if form.is_bound else 200,
    )


@login_required
@require_POST
def delete_referral(request: HttpRequest, pk: int) -> HttpResponse:
    """Removed at once, into the Trash (its follow-ups go with it), with Undo."""
    referral = Referral.objects.with_people().get_for_user_or_404(request.user, pk=pk)
    entry = move_to_trash(referral, kind="referral", label=str(referral))
    offer(request, f"Removed: {referral}.", entry.get_restore_url())
    return redirect(next_url(request) or referral.referred.get_absolute_url())
