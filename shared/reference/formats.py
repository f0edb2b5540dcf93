"""Kinds of sessions (Virtual Dialogues) and of documents in the repository."""

from typing import Final

from shared.reference.models import Coded, coded
from shared.reference.types import DocumentType, SessionFormat

_F = Coded[SessionFormat]
_D = Coded[DocumentType]

SESSION_FORMATS: Final[tuple[Coded[SessionFormat], ...]] = (
    coded(_F, "webinar", es="Webinario", en="Webinar", pt="Webinário", fr="Webinaire"),
    coded(_F, "workshop", es="Taller", en="Workshop", pt="Oficina", fr="Atelier"),
    coded(_F, "seminar", es="Seminario", en="Seminar", pt="Seminário", fr="Séminaire"),
    coded(_F, "panel", es="Panel", en="Panel", pt="Painel", fr="Table ronde"),
    coded(
        _F,
        "working_session",
        es="Sesión de trabajo",
        en="Working session",
        pt="Sessão de trabalho",
        fr="Séance de travail",
    ),
    coded(
        _F,
        "bilateral_exchange",
        es="Intercambio bilateral",
        en="Bilateral exchange",
        pt="Intercâmbio bilateral",
        fr="Échange bilatéral",
    ),
    coded(
        _F,
        "conference",
        es="Conferencia",
        en="Conference",
        pt="Conferência",
        fr="Conférence",
    ),
    coded(_F, "course", es="Curso", en="Course", pt="Curso", fr="Cours"),
)

DOCUMENT_TYPES: Final[tuple[Coded[DocumentType], ...]] = (
    coded(
        _D,
        "publication",
        es="Publicación",
        en="Publication",
        pt="Publicação",
        fr="Publication",
    ),
    coded(
        _D,
        "case_study",
        es="Estudio de caso",
        en="Case study",
        pt="Estudo de caso",
        fr="Étude de cas",
    ),
    coded(_D, "guide", es="Guía", en="Guide", pt="Guia", fr="Guide"),
    coded(
        _D,
        "diagnosis",
        es="Diagnóstico",
        en="Diagnostic assessment",
        pt="Diagnóstico",
        fr="Diagnostic",
    ),
    coded(_D, "study", es="Estudio", en="Study", pt="Estudo", fr="Étude"),
    coded(_D, "report", es="Informe", en="Report", pt="Relatório", fr="Rapport"),
    coded(
        _D,
        "resolution",
        es="Resolución",
        en="Resolution",
        pt="Resolução",
        fr="Résolution",
    ),
    coded(
        _D,
        "declaration",
        es="Declaración",
        en="Declaration",
        pt="Declaração",
        fr="Déclaration",
    ),
    coded(_D, "agenda", es="Agenda", en="Agenda", pt="Agenda", fr="Programme"),
    coded(
        _D,
        "presentation",
        es="Presentación",
        en="Presentation",
        pt="Apresentação",
        fr="Présentation",
    ),
    coded(
        _D,
        "recording",
        es="Grabación",
        en="Recording",
        pt="Gravação",
        fr="Enregistrement",
    ),
    coded(
        _D,
        "course_material",
        es="Material de curso",
        en="Course material",
        pt="Material de curso",
        fr="Support de cours",
    ),
)
