"""The INGP procurement glossary: which terms a segment contains and which a target ignores."""

from __future__ import annotations

import re

from shared.contracts.translate.rpc import GlossaryEntry, GlossaryHit

SEED: tuple[dict[str, str], ...] = (
    {"es": "contratación pública", "en": "public procurement", "pt": "contratação pública",
     "fr": "marchés publics"},
    {"es": "licitación", "en": "tender", "pt": "licitação", "fr": "appel d'offres"},
    {"es": "acuerdo marco", "en": "framework agreement", "pt": "acordo-quadro",
     "fr": "accord-cadre"},
    {"es": "subasta inversa", "en": "reverse auction", "pt": "leilão reverso",
     "fr": "enchère inversée"},
    {"es": "MIPYMES", "en": "MSMEs", "pt": "MPMEs", "fr": "MPME"},
    {"es": "datos abiertos", "en": "open data", "pt": "dados abertos",
     "fr": "données ouvertes"},
)


def seed_entries() -> list[GlossaryEntry]:
    return [GlossaryEntry.model_validate({"terms": terms}) for terms in SEED]


def _contains(text: str, term: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(term.casefold())}(?!\w)", text.casefold()) is not None


def hits(source: str, source_language: str, target_language: str,
         entries: list[GlossaryEntry]) -> list[GlossaryHit]:
    """The glossary terms in `source` that have a term in the target language."""
    found: list[GlossaryHit] = []
    for entry in entries:
        terms: dict[str, str] = {str(k): v for k, v in entry.terms.items()}
        term, wanted = terms.get(source_language), terms.get(target_language)
        if term and wanted and _contains(source, term):
            found.append(GlossaryHit(source_term=term, target_term=wanted))
    return found


def ignored(target: str, expected: list[GlossaryHit]) -> list[GlossaryHit]:
    """The expected target terms that `target` does not use."""
    return [hit for hit in expected if not _contains(target, hit.target_term)]
