"""Requests and replies of `rpc.notify.*`: the delivery log and subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.addresses import MailAddress
from shared.contracts.rpc import Request
from shared.reference import DocumentType, LanguageCode, TopicCode

DeliveryStatus = Literal["queued", "sending", "sent", "failed", "suppressed"]
MailKind = Literal[
    "confirmed", "waitlisted", "pending", "promoted", "rejected", "cancelled",
    "session_rescheduled", "session_cancelled", "reminder", "attended", "no_show",
    "subscription_confirm", "document_published", "document_translated", "digest",
    "translation_job", "awaiting_confirmation", "already_registered", "materials_published",
    "certificate_issued", "session_message", "session_announced", "invitation",
    "staff_sign_in",
]
"""What a mail is about: the delivery log's `kind` (notify keeps the one list of them)."""


class ListDeliveries(Request):
    """`rpc.notify.list_deliveries`: the delivery log, newest first."""

    model_config = ConfigDict(extra="forbid")

    status: DeliveryStatus | None = None
    kind: MailKind | None = None
    session_id: str | None = Field(None, max_length=100)
    limit: int = Field(50, ge=1, le=200)
    after: str | None = Field(None, max_length=200)
    reveal_addresses: bool = False


class DeliveryView(BaseModel):
    """One delivery record as the secretariat sees it."""

    id: str
    kind: str
    status: DeliveryStatus
    recipient: str = Field(description="Masked unless the caller is an admin.")
    language: LanguageCode
    session_id: str | None
    registration_id: str | None
    source_id: str
    attempts: int
    smtp_code: int | None
    smtp_response: str | None
    message_id: str
    created_at: datetime
    sent_at: datetime | None


class DeliveryPage(BaseModel):
    items: list[DeliveryView]
    next_after: str | None


class RetryDelivery(Request):
    """`rpc.notify.retry_delivery`: queue a failed mail again."""

    model_config = ConfigDict(extra="forbid")

    delivery_id: str = Field(min_length=1, max_length=300)


class Subscribe(Request):
    """`rpc.notify.subscribe`: ask for repository updates (double opt-in)."""

    model_config = ConfigDict(extra="forbid")

    email: MailAddress = Field(min_length=3, max_length=254,
                               pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    language: LanguageCode
    topics: list[TopicCode] = Field(default_factory=list, max_length=20)
    types: list[DocumentType] = Field(default_factory=list, max_length=20)
    countries: list[str] = Field(default_factory=list, max_length=40)
    frequency: Literal["immediate", "daily", "weekly"] = "immediate"
    documents: bool = Field(True, description="Whether to hear of new documents and "
                                              "translations that match the choices above.")
    sessions: bool = Field(False, description="Whether to hear of new sessions on the topics "
                                              "and countries above (off unless asked for: "
                                              "subscriptions made before it existed asked "
                                              "for documents only).")
    translation_pairs: list[Annotated[str, Field(pattern=r"^(es|en|pt|fr)>(es|en|pt|fr)$")]] = \
        Field(default_factory=list, max_length=12,
              description="For translators: hear of jobs queued for these pairs, e.g. `es>en`.")


class SubscriptionRequested(BaseModel):
    """The reply to `subscribe`: the same whether the address was known or not."""

    status: Literal["confirmation_sent"] = "confirmation_sent"


class SubscriptionToken(Request):
    """`rpc.notify.confirm_subscription` / `unsubscribe` / `describe_token`."""

    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=10, max_length=500)


class SubscriptionState(BaseModel):
    """What a token acts on; `status` after the action (or now, for a description)."""

    subscription_id: str
    status: Literal["pending", "active", "unsubscribed"]
    action: Literal["confirm", "unsubscribe"] | None = None
    language: LanguageCode
    frequency: str


class SendSignInLink(Request):
    """`rpc.notify.send_sign_in_link`: mail a staff member their one-time sign-in link.

    Sent at once and never written to the delivery log (the link is a credential)."""

    model_config = ConfigDict(extra="forbid")

    email: MailAddress = Field(min_length=3, max_length=254,
                               pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    name: str = Field("", max_length=200)
    language: LanguageCode
    token: str = Field(min_length=20, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")
    minutes: int = Field(ge=1, le=1440, description="How long the link stays usable.")
    next: str = Field("/staff", max_length=500, pattern=r"^/([^/\\\s]\S*)?$",
                      description="The staff page to open once signed in (a local path).")


class SignInLinkSent(BaseModel):
    """Whether the SMTP server took the mail (the person may ask again if not)."""

    sent: bool
