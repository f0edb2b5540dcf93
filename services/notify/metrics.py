"""notify's business metrics (the plumbing's are in shared.metrics)."""

from opentelemetry import metrics

meter = metrics.get_meter("dialogues.notify")

MAILS = meter.create_counter(
    "dialogues.mails", unit="{mail}", description="Mails by kind and outcome (sent, failed).")
