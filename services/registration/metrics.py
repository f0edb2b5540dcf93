"""The registration service's business metrics (the plumbing's are in shared.metrics)."""

from opentelemetry import metrics

meter = metrics.get_meter("dialogues.registration")

REGISTRATIONS = meter.create_counter(
    "dialogues.registrations", unit="{registration}",
    description="Registrations by outcome (confirmed, waitlisted, pending_approval, ...).")
