"""The pages of the public site that mail links to, in one place.

The gateway serves these HTML pages at `PUBLIC_BASE_URL` (`services/gateway/site/`): a link in
a mail must open one of them, because people click it in a browser. The only other links are a
session's join URL (the external webinar) and the `List-Unsubscribe` header, which is not a
link people open: mail clients POST to it (RFC 8058) without a page or a CSRF cookie, so it
targets the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from shared.reference import LanguageCode


@dataclass(frozen=True)
class Site:
    """Absolute URLs of the site's pages under one base URL."""

    base: str

    @classmethod
    def at(cls, base_url: str) -> Site:
        """The site at `base_url` (a trailing slash or not)."""
        return cls(base_url.rstrip("/"))

    def _page(self, path: str, **query: str) -> str:
        return f"{self.base}{path}" + (f"?{urlencode(query)}" if query else "")

    def staff_sign_in(self, token: str, then: str = "/staff") -> str:
        """The staff page that signs in with a mailed one-time link (by a button: a POST),
        then opens `then` (the page the person asked for before signing in)."""
        if then == "/staff":
            return self._page("/staff/sign-in/link", token=token)
        return self._page("/staff/sign-in/link", token=token, next=then)

    def translation_job(self, job_id: str) -> str:
        """A translation job in the translators' editor (a staff page: translators sign in)."""
        return self._page(f"/staff/translations/{quote(job_id, safe='')}")

    def sessions(self) -> str:
        """The list of upcoming sessions."""
        return self._page("/sessions")

    def session(self, session_id: str) -> str:
        """One session's page: details, registration form, materials afterwards."""
        return self._page(f"/sessions/{quote(session_id, safe='')}")

    def invitation(self, session_id: str, token: str) -> str:
        """One session's page with a personal invitation's token in its registration form."""
        return self._page(f"/sessions/{quote(session_id, safe='')}", invitation=token)

    def registration(self, cancel_token: str) -> str:
        """The participant's own page: status, cancel or leave the waiting list (POST acts)."""
        return self._page("/registrations/cancel", token=cancel_token)

    def registration_confirm(self, confirm_token: str) -> str:
        """The page that confirms a registration's address (GET shows, POST confirms)."""
        return self._page("/registrations/confirm", token=confirm_token)

    def subscription_confirm(self, token: str) -> str:
        """The page that confirms a subscription (double opt-in)."""
        return self._page("/subscriptions/confirm", token=token)

    def unsubscribe(self, token: str) -> str:
        """The unsubscribe page a reader opens from the mail's footer."""
        return self._page("/subscriptions/unsubscribe", token=token)

    def one_click_unsubscribe(self, token: str) -> str:
        """The API target of `List-Unsubscribe` (RFC 8058 one-click POST), not a page."""
        return self._page("/v1/subscriptions/unsubscribe", token=token)

    def document(self, document_id: str, language: LanguageCode | None = None) -> str:
        """A repository document, in `language` if given."""
        path = f"/documents/{quote(document_id, safe='')}"
        return self._page(path, lang=language) if language else self._page(path)

    def certificate(self, cancel_token: str) -> str:
        """The participant's certificate (PDF), downloaded with their page's token."""
        return self._page("/registrations/certificate.pdf", token=cancel_token)

    def certificate_verification(self, code: str) -> str:
        """The public page that tells whether a certificate's code is valid."""
        return self._page(f"/certificates/{quote(code, safe='')}")
