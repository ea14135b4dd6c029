"""Durable state of the engine: runs, their steps, the event records and the outbox."""

import uuid

from django.db import models

from .vocabulary import FINAL_RUN_STATUSES, IN_FLIGHT_STEP_STATUSES, MessageKind, Pattern, RunStatus, StepStatus

# The words live in vocabulary.py; imported here for the models' choices (and old imports).
__all__ = [
    "FINAL_RUN_STATUSES",
    "IN_FLIGHT_STEP_STATUSES",
    "EventRecord",
    "JoinState",
    "MessageKind",
    "OutboxMessage",
    "Pattern",
    "Run",
    "RunStatus",
    "StepState",
    "StepStatus",
]


class Run(models.Model):
    """One execution of one design version for one order, in one pattern; its id is the correlation id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pattern = models.CharField(max_length=16, choices=Pattern.choices)
    design_slug = models.SlugField(max_length=80)
    design_version = models.PositiveIntegerField(default=1)
    graph = models.JSONField(help_text="The design's steps, copied when the run started.")
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING, db_index=True)
    order_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    data = models.JSONField(default=dict, help_text="What the coordinator knows so far (orchestration).")
    done_steps = models.JSONField(
        default=list, help_text="Steps whose success the coordinator has heard of (orchestration)."
    )
    decisions = models.JSONField(
        default=dict,
        blank=True,
        help_text="The coordinator's own bookkeeping (orchestration): each step's outcome, joins and visits.",
    )
    input = models.JSONField(default=dict, blank=True, help_text="What the trigger event said.")
    result = models.CharField(max_length=120, blank=True, help_text="The end the run reached (its design's word).")
    next_seq = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Copied as the run goes, so that finding runs never reads event records (see run_search.py).
    duration_ms = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Start to finish; empty while running."
    )
    customer_email = models.CharField(
        max_length=254, blank=True, help_text="The buyer's email as the run's input gave it (lower-cased)."
    )
    had_retries = models.BooleanField(default=False, help_text="An attempt of a step failed and was retried.")
    had_failures = models.BooleanField(default=False, help_text="A step failed for good or timed out.")
    had_compensations = models.BooleanField(default=False, help_text="The run undid steps (saga).")
    had_duplicates = models.BooleanField(default=False, help_text="A message came twice and was ignored.")

    class Meta:
        ordering = ["-created_at"]
        # One index per filter of the runs explorer, each ending in its sort key (keyset pages).
        indexes = [
            models.Index(fields=["created_at", "id"], name="run_started"),
            models.Index(fields=["status", "created_at", "id"], name="run_status_started"),
            models.Index(fields=["design_slug", "created_at", "id"], name="run_workflow_started"),
            models.Index(
                fields=["customer_email", "created_at", "id"],
                name="run_email_started",
                condition=~models.Q(customer_email=""),
            ),
            models.Index(fields=["duration_ms", "id"], name="run_duration"),
            *[
                models.Index(
                    fields=["created_at", "id"], name=f"run_{flag}_started", condition=models.Q(**{f"had_{flag}": True})
                )
                for flag in ("retries", "failures", "compensations", "duplicates")
            ],
        ]

    def __str__(self):
        return f"{self.design_slug} v{self.design_version} {self.pattern} {self.id}"


class OfStep(models.Model):
    """What is kept about one step of one run, by the service that does it (its join) or the observer."""

    step_id = models.CharField(max_length=80)
    service = models.CharField(max_length=40)

    class Meta:
        abstract = True


class StepState(OfStep):
    """Where one step of one run stands, as observed by the engine."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=80)
    status = models.CharField(max_length=16, choices=StepStatus.choices, default=StepStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    visits = models.PositiveIntegerField(default=0, help_text="How often the step ran (a loop may run it again).")
    outcome = models.CharField(max_length=80, blank=True, help_text="The outcome event its last attempt ended with.")
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "step_id"], name="one_state_per_step")]
        # Runs by a service that ran a step of theirs, or by a step they have (the runs explorer).
        indexes = [
            models.Index(fields=["service", "run"], name="stepstate_service_run"),
            models.Index(fields=["step_id", "run"], name="stepstate_step_run"),
        ]
        ordering = ["id"]

    def __str__(self):
        return f"{self.step_id} ({self.status})"


class EventRecord(models.Model):
    """The durable row for every message and every step transition; the timeline is drawn from these."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    service = models.CharField(max_length=40)
    kind = models.CharField(max_length=40)
    step_id = models.CharField(max_length=80, blank=True)
    message_id = models.UUIDField(null=True, blank=True)
    message_type = models.CharField(max_length=80, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(help_text="When it happened (not when it was written).")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="one_event_per_seq")]
        ordering = ["run", "seq"]

    def __str__(self):
        return f"#{self.seq} {self.service} {self.kind} {self.step_id}"


class OutboxMessage(models.Model):
    """A message written in the same transaction as the change that caused it; the relay sends it after commit."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    type = models.CharField(max_length=80, help_text="Contract name, e.g. OrderPlaced.")
    source_service = models.CharField(max_length=40)
    target_service = models.CharField(max_length=40)
    step_id = models.CharField(max_length=80, help_text="The step this message asks for or answers.")
    from_step = models.CharField(max_length=80, blank=True, help_text="The step whose outcome this event is.")
    payload = models.JSONField(default=dict)
    attempt = models.PositiveIntegerField(default=1)
    visit = models.PositiveIntegerField(default=1, help_text="Which run of its step this message asks for (loops).")
    created_at = models.DateTimeField(auto_now_add=True)
    available_at = models.DateTimeField(help_text="Not sent before this time (retry backoff).")
    resends = models.PositiveIntegerField(default=0, help_text="How often the reconciler sent it again.")
    processed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.kind} {self.type} → {self.target_service}"


class JoinState(OfStep):
    """Choreography: the events a waiting step has received so far, kept by the subscribing service."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="joins")
    received = models.JSONField(default=list)
    data = models.JSONField(default=dict)
    visits = models.PositiveIntegerField(default=0, help_text="How often the join fired.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "step_id"], name="one_join_per_step")]
