"""The SELA special panel of the agenda seed (/work/shared/seeds/002_*.txt), as the secretariat
enters it: every block, slot time, speaker and role, the venue and the parent event, the English
texts as the seed writes them and their Spanish beside them.

Slot times are written as the seed prints them: wall-clock times in La Paz (no offset). The
seed gives no speaker for four of the presentations; they are entered without one. The panel
coordinator has no slot of his own in the seed: he is the coordinator of the opening and of
the questions and closing.
"""

from __future__ import annotations

from typing import Any

SELA = "Latin American and Caribbean Economic System (SELA)"
DAY = "2022-11-24"

RATIONALE_EN = (
    "Digital transformation efforts have permeated all spheres of action in the public sector, "
    "seeking higher standards of efficiency and improvements in transparency indicators. As a "
    "result, the countries of the region have implemented e-government strategies in which "
    "public procurement is a particularly relevant area.\n\n"
    "Public procurement accounts for 30% of the budget and 8.6% of the GDP of the countries in "
    "the region (IDB, 2018), so it is important that its processes are associated with "
    "standards of transparency and reliability.\n\n"
    "Hence the importance of continuing to strengthen the performance of the region's "
    "countries in the area of digital government. Progress in this area could result in a "
    "more rational use of resources and greater impact of government actions.")
RATIONALE_ES = (
    "La transformación digital ha permeado todos los ámbitos de acción del sector público, en "
    "busca de mayores niveles de eficiencia y de mejores indicadores de transparencia. Por "
    "ello, los países de la región han puesto en marcha estrategias de gobierno electrónico en "
    "las que la contratación pública es un área especialmente relevante.\n\n"
    "La contratación pública representa el 30 % del presupuesto y el 8,6 % del PIB de los "
    "países de la región (BID, 2018), por lo que es importante que sus procesos respondan a "
    "estándares de transparencia y confiabilidad.\n\n"
    "De ahí la importancia de seguir fortaleciendo el desempeño de los países de la región en "
    "materia de gobierno digital. Los avances en este ámbito pueden traducirse en un uso más "
    "racional de los recursos y en un mayor impacto de la acción de gobierno.")
OBJECTIVES = [
    {"en": "Present the importance of the development of ecosystems that support the "
           "digitisation efforts of public procurement.",
     "es": "Presentar la importancia de desarrollar ecosistemas que apoyen los esfuerzos de "
           "digitalización de la contratación pública."},
    {"en": "Promote the need to increase the digital skills of public employees and citizens.",
     "es": "Promover la necesidad de aumentar las competencias digitales de los servidores "
           "públicos y de la ciudadanía."},
    {"en": "Strengthen the strategic vision of public procurement.",
     "es": "Fortalecer la visión estratégica de la contratación pública."},
    {"en": "Raise awareness of the potential of digital tools to optimise the public "
           "procurement process.",
     "es": "Sensibilizar sobre el potencial de las herramientas digitales para optimizar el "
           "proceso de contratación pública."},
    {"en": "Encourage the development of flexible institutional structures that keep up with "
           "the pace of change of new technologies and allow for continuous improvement while "
           "preserving standards of transparency.",
     "es": "Fomentar estructuras institucionales flexibles que acompañen el ritmo de cambio de "
           "las nuevas tecnologías y permitan la mejora continua, preservando los estándares "
           "de transparencia."},
    {"en": "Review the use of new technologies in public procurement systems.",
     "es": "Revisar el uso de las nuevas tecnologías en los sistemas de contratación pública."},
]
KEYWORDS = ["open government", "open data", "transparency", "digital government",
            "data governance", "digital transformation and innovation", "public procurement"]
PEOPLE = [
    {"key": "jean-paul-guevara", "name": "Jean Paul Guevara", "title": "Consultor",
     "institution": SELA},
    {"key": "natalia-tanno", "name": "Natalia Tanno",
     "title": "Director-General of Security and Emergency Procurement",
     "institution": "Government of the City of Buenos Aires", "country": "AR",
     "bio": {"en": "Lawyer and specialist in public procurement.",
             "es": "Abogada y especialista en contratación pública."}},
    {"key": "clarems-endara", "name": "Clarems Endara",
     "title": "Ambassador, Permanent Secretary", "institution": SELA},
]


def slot(key: str, starts: str, ends: str, kind: str, *people: tuple[str, str],
         title: dict[str, str] | None = None) -> dict[str, Any]:
    """A slot from `starts` to `ends` ("12:35"), La Paz time, with (person, role) parts."""
    return {"key": key, "kind": kind, "title": title or {},
            "starts_at": f"{DAY}T{starts}", "ends_at": f"{DAY}T{ends}",
            "people": [{"person": person, "role": role} for person, role in people]}


COORDINATOR = ("clarems-endara", "coordinator")
AGENDA = [
    {"key": "opening", "slots": [
        slot("presentation-of-speakers", "12:30", "12:35", "opening",
             ("jean-paul-guevara", "speaker"), COORDINATOR,
             title={"en": "Presentation of speakers",
                    "es": "Presentación de los panelistas"})]},
    {"key": "scope", "title": {
        "en": "Scope of digitalization in regional public procurement systems",
        "es": "Alcance de la digitalización en los sistemas regionales de contratación "
              "pública"}, "slots": [
        slot("scope-1", "12:35", "12:50", "presentation"),
        slot("scope-2", "12:50", "13:05", "presentation", ("natalia-tanno", "speaker"))]},
    {"key": "regional-experiences", "title": {
        "en": "Regional experiences: technologies applied in public procurement processes",
        "es": "Experiencias regionales: tecnologías aplicadas en los procesos de contratación "
              "pública"}, "slots": [
        slot("regional-1", "13:05", "13:20", "presentation"),
        slot("regional-2", "13:20", "13:35", "presentation"),
        slot("regional-3", "13:35", "13:50", "presentation")]},
    {"key": "closing", "slots": [
        slot("questions-and-closing", "13:50", "14:00", "questions", COORDINATOR,
             title={"en": "Questions and concluding remarks / closing session",
                    "es": "Preguntas y conclusiones / clausura"})]},
]
SLOT_TIMES_UTC = {  # La Paz is UTC-4 all year: 12:30 there is 16:30Z
    "presentation-of-speakers": ("16:30", "16:35"), "scope-1": ("16:35", "16:50"),
    "scope-2": ("16:50", "17:05"), "regional-1": ("17:05", "17:20"),
    "regional-2": ("17:20", "17:35"), "regional-3": ("17:35", "17:50"),
    "questions-and-closing": ("17:50", "18:00"),
}


def panel() -> dict[str, Any]:
    """The whole panel as a `POST /v1/sessions` body."""
    return {
        "title": {"en": "Special Panel of the Latin American and Caribbean Economic System "
                        "(SELA)",
                  "es": "Panel especial del Sistema Económico Latinoamericano y del Caribe "
                        "(SELA)"},
        "format": "panel", "topics": ["e_procurement"], "languages": ["es"],
        "starts_at": f"{DAY}T12:30:00-04:00", "ends_at": f"{DAY}T14:00:00-04:00",
        "timezone": "America/La_Paz",
        "rationale": {"en": RATIONALE_EN, "es": RATIONALE_ES}, "objectives": OBJECTIVES,
        "keywords": KEYWORDS,
        "organisers": [{"name": "Latin American and Caribbean Economic System",
                        "acronym": "SELA"}],
        "parent_event": {"name": {
            "en": "XXVII International Congress of CLAD on the Reform of the State and Public "
                  "Administration",
            "es": "XXVII Congreso Internacional del CLAD sobre la Reforma del Estado y de la "
                  "Administración Pública"}, "url": "https://clad.org"},
        "venue": {"mode": "in_person",
                  "place": "International Convention and Cultural Centre (CICC)",
                  "room": "Room 3", "city": "Sucre", "country": "BO"},
        "people": PEOPLE, "agenda": AGENDA,
    }
