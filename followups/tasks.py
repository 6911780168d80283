from datetime import datetime

from celery import shared_task

from followups import digest, services
from followups.models import Heartbeat
from netcrm.lib.tasks import enqueue_on_commit


@shared_task
def create_meeting_followups(meeting_id: int) -> int:
    return services.create_meeting_followups([meeting_id])


@shared_task
def create_referral_followups(referral_id: int) -> int:
    return services.create_referral_followups([referral_id])


@shared_task
def sweep_followups() -> int:
    Heartbeat.beat("sweep")
    return services.sweep_missing_followups()


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
