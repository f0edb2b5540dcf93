"""What a job translates, whatever it comes from: a catalog document's snapshot or the texts
of a registration session. Pure: intake reads these to decide which jobs to queue.

The two differ in one rule. A document's language version is made whole from its source, so
each job translates every field. A session keeps one language map per text, and what the
secretariat wrote in a language is never replaced, so a session's job translates only the
texts that lack its target language, and no job is queued for a language none lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.catalog.events import DocumentSnapshot
from shared.contracts.registration.events import SessionTexts
from shared.contracts.translate.events import JobSubject
from shared.reference import LanguageCode


@dataclass(frozen=True)
class Original:
    """One revision of the texts of a document or a session, in the languages they have."""

    subject: JobSubject
    subject_id: str
    revision: int
    source_language: LanguageCode
    texts: dict[str, dict[LanguageCode, str]]
    """Each field's text by language."""
    session_id: str | None
    """The session the job's due date follows, if any."""


def of_document(snapshot: DocumentSnapshot) -> Original:
    return Original("document", snapshot.document_id, snapshot.revision,
                    snapshot.source_language, {k: dict(v) for k, v in snapshot.texts.items()},
                    snapshot.session_id)


def of_session(texts: SessionTexts) -> Original:
    return Original("session", texts.session_id, texts.text_revision, texts.source_language,
                    {k: dict(v) for k, v in texts.texts.items()}, texts.session_id)


def sources_for(original: Original, target: LanguageCode) -> dict[str, str]:
    """The source text of each field a job into `target` translates."""
    source = original.source_language
    return {field: by_language[source] for field, by_language in original.texts.items()
            if by_language.get(source)
            and (original.subject == "document" or not by_language.get(target))}


def session_languages_wanted(original: Original,
                             languages: list[LanguageCode]) -> list[LanguageCode]:
    """The configured languages some text of the session lacks (never its source language)."""
    return [language for language in languages
            if language != original.source_language and sources_for(original, language)]
