"""The duplicates page, "not the same person", and merging two contacts."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from contacts.identity import Pair, likely_duplicates
from contacts.models import Contact
from contacts.pickers import recent_contacts
from merging.forms import MergeForm
from merging.models import DismissedPair
from merging.services import AlreadyMerged, merge, newer, preview
from netcrm.lib import generations
from netcrm.lib.http import form_data, id_from, wants_fragment
from netcrm.lib.undo import offer
from trash.models import TrashEntry, keep_for


def duplicate_pairs(user) -> list[Pair]:
    """likely_duplicates(user), kept in this process under the generation of the user's
    people and organizations (netcrm/lib/generations.py) until one of them changes:
    the next page of pairs, or the page again after "Not the same person", does not
    compare every name again (10,000 contacts: some 250 ms)."""
    return generations.kept_in_process(
        user.pk, generations.PANEL, "duplicates", lambda: likely_duplicates(user)
    )


def open_pairs(user) -> list[Pair]:
    """The pairs still to look at: the likely duplicates less those said to be two."""
    dismissed = DismissedPair.objects.pair_ids(user)
    return [p for p in duplicate_pairs(user) if (p.first, p.second) not in dismissed]


@login_required
@require_GET
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Pairs of contacts that are, or may be, one person, less those the user said are
    two; each side by side. A fixed number of queries whatever the number of contacts."""
    pairs = open_pairs(request.user)
    page = Paginator(pairs, settings.NETCRM_PAGE_SIZE).get_page(request.GET.get("page"))
    people = (
        Contact.objects.for_user(request.user)
        .select_related("organization")
        .annotate(meeting_count=Count("meetings", distinct=True))
        .in_bulk({pk for pair in page for pk in (pair.first, pair.second)})
    )
    rows = [(pair, people[pair.first], people[pair.second]) for pair in page]
    return render(request, "merging/duplicates.html", {"page": page, "rows": rows})


@login_required
@require_POST
def dismiss_pair(request: HttpRequest) -> HttpResponse:
    """"Not the same person": the pair leaves the duplicates page for good."""
    contacts = Contact.objects.for_user(request.user)
    a = contacts.filter(pk=id_from(request.POST.get("first")) or 0).first()
    b = contacts.filter(pk=id_from(request.POST.get("second")) or 0).first()
    if a is None or b is None or a == b:
        raise Http404
    DismissedPair.dismiss(request.user, a, b)
    said = f"{a.name} and {b.name} are two people: they won't be asked about again."
    if wants_fragment(request):
        # The heading's count goes down with it (out of band).
        left = len(open_pairs(request.user))
        response = render(request, "merging/duplicates.html#dismissed", {"said": said, "left": left})
        return trigger_client_event(response, "pairDismissed", {"first": a.pk, "second": b.pk})
    messages.success(request, said)
    return redirect("merging:duplicates")


@login_required
@require_http_methods(["GET", "POST"])
def merge_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge someone into this contact. Without `contact`: pick who. With it: what to
    keep field by field and what moves or goes (GET); the merge, then this contact's
    page with Undo (POST). A second tap finds the other gone: merged already."""
    kept = Contact.objects.select_related("organization").get_for_user_or_404(request.user, pk=pk)
    data = request.POST if request.method == "POST" else request.GET
    other_id = id_from(data.get("contact"))
    if other_id is None or other_id == kept.pk:
        return _pick_page(request, kept, picked_self=other_id == kept.pk)
    other = (
        Contact.objects.for_user(request.user).select_related("organization")
        .filter(pk=other_id).first()
    )
    if other is None:
        if request.method == "POST" and _merged_already(request.user, other_id):
            messages.info(request, "Merged already.")
            return redirect(kept)
        raise Http404
    form = MergeForm(form_data(request), kept=kept, other=other)
    if request.method == "POST" and form.is_valid():
        was = kept.name  # as it was called before the merge
        try:
            kept, entry, _ = merge(request.user, kept.pk, other.pk, form.picks())
        except AlreadyMerged:
            messages.info(request, "Merged already.")
            return redirect(kept)
        # Said once, with its Undo (the Trash keeps it afterwards, as every removal),
        # naming the person as they are now: the other's name may be the one kept.
        said = (
            f"Merged {other.name} into {kept.name}." if kept.name == was
            else f"Merged {was} and {other.name} into {kept.name}."
        )
        offer(request, said, entry.get_restore_url())
        return redirect(kept)
    context = {
        "kept": kept, "other": other, "form": form, "newer": newer(kept, other),
        "outcome": preview(request.user, kept.pk, other.pk),
        "keep_days": keep_for().days,
    }
    return render(request, "merging/merge.html", context, status=422 if form.is_bound else 200)


def _pick_page(request: HttpRequest, kept: Contact, picked_self: bool) -> HttpResponse:
    context = {
        "kept": kept, "recent": recent_contacts(request.user, exclude=[kept]),
        "picked_self": picked_self,
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "merging/pick.html", context, status=status)


def _merged_already(user, contact_id: int) -> bool:
    return TrashEntry.objects.for_user(user).filter(
        kind="merge", subject="contacts.contact", subject_id=contact_id
    ).exists()
