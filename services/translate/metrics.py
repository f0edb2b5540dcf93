"""The translate service's business metrics (the plumbing's are in shared.metrics)."""

from opentelemetry import metrics

meter = metrics.get_meter("dialogues.translate")

TRANSLATION_BACKLOG = meter.create_gauge(
    "dialogues.translation.backlog", unit="{job}",
    description="Open translation jobs, by source and target language.")
