"""One uploaded file, from its preview to its summary (and its undoing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.functional import cached_property

from netcrm.lib.models import OwnedModel, OwnedQuerySet
from netcrm.lib.urls import reverse_pk

# What the preview says will happen to a row (imports.services.plan).
CREATE = "create"  # a new person
MATCH = "match"  # someone already in netcrm: fills what is empty
DUPLICATE = "duplicate"  # the same person as an earlier row of the file: merged into it
SIMILAR = "similar"  # a similar name at the same organization: the user says
SKIP = "skip"  # a problem, with its reason
# After an import that failed: a row past where it stopped (what was planned for it is
# kept as "planned").
NOT_IMPORTED = "unreached"
ACTIONS = {
    CREATE: "New", MATCH: "Already in netcrm", DUPLICATE: "Twice in this file",
    SIMILAR: "Needs a decision", SKIP: "Problem",
}
# Once imported, the same rows in the past tense (a question the user left as "a
# different person" was a similar name, or a phone shared under another name).
DONE_ACTIONS = ACTIONS | {CREATE: "Added", MATCH: "Matched", DUPLICATE: "Merged",
                          SIMILAR: "Added, not merged", SKIP: "Skipped",
                          NOT_IMPORTED: "Not imported"}


class Status(models.TextChoices):
    PREVIEW = "preview", "Preview"
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"
    UNDONE = "undone", "Undone"


class ImportBatchQuerySet(OwnedQuerySet):
    def listed(self) -> ImportBatchQuerySet:
        """For the list of past imports: without the rows (they can be megabytes)."""
        return self.defer(
            "rows", "decisions", "created_ids", "created_organization_ids", "filled"
        )


class ImportBatch(OwnedModel):
    """An uploaded file: its rows as parsed and planned (`rows`, shown by the preview),
    the user's decisions on similar names, and once imported what it did: the
    contacts it created and the fields it filled (what "Undo this import" takes back)."""

    filename = models.CharField(max_length=200)
    format = models.CharField(max_length=40)  # "LinkedIn connections"
    status = models.CharField(max_length=20, choices=Status, default=Status.PREVIEW)
    rows = models.JSONField(default=list)
    decisions = models.JSONField(default=dict)  # {"row number": contact id (or -row) or 0}
    counts = models.JSONField(default=dict)  # {action: rows}
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)  # rows imported so far (the progress bar)
    created_ids = models.JSONField(default=list)
    # The organizations it made for its people: Undo takes those nothing else uses.
    created_organization_ids = models.JSONField(default=list, blank=True)
    filled = models.JSONField(default=dict)  # {contact id: {field: value, "links": [lines]}}
    error = models.TextField(blank=True)
    trash_entry_id = models.BigIntegerField(null=True, blank=True)  # where Undo put them
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # When a run last claimed a chunk: a run that stops moving is asked for again.
    progressed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Runs that claimed it: a worker killed mid-import is followed by another run, up to
    # services.MAX_ATTEMPTS, then the import is given up on.
    attempts = models.PositiveSmallIntegerField(default=0)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "import batches"
        indexes = [models.Index(fields=["user", "-created_at"], name="import_user_created_idx")]
        constraints = [
            # One import at a time for a user: each plans its rows against the contacts
            # as they are when it starts, so a second one running beside it would create
            # the same people again (services.run_import).
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="running"),
                name="import_one_running_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse_pk("imports:batch", self.pk)

    # What `rekey` rewrites.
    REKEYED = ("rows", "decisions", "created_ids", "created_organization_ids", "filled",
               "trash_entry_id")

    def rekey(self, new_key: Callable[[str, Any], Any]) -> None:
        """After a restore into another account: the contacts and organizations its
        JSON names by key (what Undo takes back, the preview's links) become the
        restored rows' keys; `new_key(model label, old key)` is None for a row the
        backup did not hold (deleted since). The Trash is not restored: where Undo put
        them is gone. Rewrites the fields REKEYED, unsaved."""
        def contact(old):
            return new_key("contacts.contact", old) if old else old

        for row in self.rows:
            for name in ("contact", "target"):
                if row.get(name):
                    row[name] = contact(row[name])
            row["similar"] = [
                similar | {"id": pk} for similar in row.get("similar", [])
                if (pk := contact(similar.get("id")))
            ]
        # A decision is a contact's key, or 0 / -row (no one: new, or skipped).
        self.decisions = {
            n: (contact(pk) or 0) if isinstance(pk, int) and pk > 0 else pk
            for n, pk in self.decisions.items()
        }
        self.created_ids = [pk for pk in map(contact, self.created_ids) if pk]
        self.created_organization_ids = [
            pk for old in self.created_organization_ids
            if (pk := new_key("contacts.organization", old))
        ]
        self.filled = {
            str(pk): fields for old, fields in self.filled.items() if (pk := contact(old))
        }
        self.trash_entry_id = None

    @property
    def running(self) -> bool:
        return self.status in (Status.QUEUED, Status.RUNNING)

    @cached_property
    def waiting_for(self) -> ImportBatch | None:
        """The user's import running while this one waits to start (one at a time)."""
        if self.status != Status.QUEUED:
            return None
        return (
            ImportBatch.objects.filter(user_id=self.user_id, status=Status.RUNNING)
            .exclude(pk=self.pk).only("pk", "filename").first()
        )

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    def count(self, action: str) -> int:
        return self.counts.get(action, 0)

    @property
    def created_count(self) -> int:
        """After the import: rows added as someone new (a similar name the user did not
        call the same person is someone new)."""
        return self.count(CREATE) + self.count(SIMILAR)

    @cached_property
    def nothing_new(self) -> int:
        """In the preview: rows of people already in netcrm that bring nothing to add
        (services.foresee)."""
        return sum(1 for row in self.rows if row["action"] == MATCH and row.get("nothing_new"))

    @cached_property
    def kept(self) -> int:
        """After Undo: the contacts it had added that stayed, as the user had changed or
        met them since (services.undo_import)."""
        return sum(1 for row in self.rows if row.get("kept"))

    @property
    def to_write(self) -> int:
        """Rows that create or change someone."""
        return sum(self.count(a) for a in (CREATE, MATCH, SIMILAR)) - self.nothing_new

    @property
    def nothing_to_import(self) -> str:
        """In the preview, when importing would write nothing: why, in a sentence (the
        page then offers no import)."""
        if self.to_write:
            return ""
        if not self.total:
            return "This file has no people in it: there is nothing to import."
        if self.count(SKIP) == self.total:
            return "Every row of this file has a problem (see below): there is nothing to import."
        if self.count(SKIP):
            return ("Nothing to import: everyone in this file is in netcrm already with "
                    "nothing new to add, or has a problem (see below).")
        return ("Nothing to import: everyone in this file is in netcrm already, with "
                "nothing new to add.")

    @property
    def confirm_label(self) -> str:
        """The preview's button. A file of people you all have already says it fills
        them in (not "Import 2 contacts", as if adding two); with someone new, how many
        are new and how many filled in ("Import 3 new contacts, fill in 1"); with a
        similar name, whom the user may call someone new or not, every row it writes.
        With nothing to write, the page offers no button (`nothing_to_import`)."""
        new, known = self.created_count, self.count(MATCH) - self.nothing_new
        if self.count(SIMILAR):  # new or not is the user's to say on this page
            return f"Import {self.to_write} contact{'' if self.to_write == 1 else 's'}"
        if new and known:
            return f"Import {new} new contact{'' if new == 1 else 's'}, fill in {known}"
        if new:
            return f"Import {new} new contact{'' if new == 1 else 's'}"
        return f"Import: fill in {known} contact{'' if known == 1 else 's'} you have"
