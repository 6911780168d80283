from datetime import datetime

from celery import shared_task
from django.apps import apps

from followups import digest, services
from followups.models import Heartbeat
from netcrm.lib import generations
from netcrm.lib.tasks import enqueue_on_commit


@shared_task
def create_followups(label: str, ids: list[int]) -> int:
    """What the rows `ids` of model `label`, just saved, call for. What it writes
    belongs to the rows' owner: only that user's kept pages go stale."""
    owners = set(
        apps.get_model(label).objects.filter(pk__in=ids).values_list("user_id", flat=True)
    )
    with generations.acting_for(owners.pop() if len(owners) == 1 else None):
        return services.create_followups(label, ids)


def followups_after_save(label: str, *ids: int) -> None:
    """Ask the worker, once the transaction commits, for what these saved rows call
    for. A broker outage loses nothing: the sweep finds the rows a minute later."""
    enqueue_on_commit(create_followups, label, list(ids))


@shared_task
def sweep_followups() -> int:
    Heartbeat.beat("sweep")
    return services.sweep()


@shared_task
def send_due_digests() -> int:
    """Beat, every minute: claim the digests whose local time has come, one message each."""
    claims = digest.claim_due_digests()
    for log_id, claim in claims:
        enqueue_on_commit(send_digest, log_id, claim.isoformat())
    return len(claims)


@shared_task
def send_digest(digest_log_id: int, claim: str) -> int:
    """`claim` is the DigestLog's claimed_at when enqueued: a stale message sends nothing."""
    return digest.send_digest(digest_log_id, datetime.fromisoformat(claim))
