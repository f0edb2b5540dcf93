"""The III Inter-American Seminar on E-Government Procurement (Santiago de Chile, 20-23 June
2005) as the executive summary of seed 003 writes it, in es and en, as API bodies.

The seed gives the days, the place, the co-organisers, the coordinator, the attendance and
the agreements, and lists the workshop and discussion-forum topics without saying which day
or hour each had: the agenda below puts two workshops on each of the first two days, four
forums on the third, three on the fourth with the closing on institutionalization, at
plausible times (09:00-18:00, Santiago time). Those times are ours, not the seed's.
"""

from __future__ import annotations

from typing import Any

TIMEZONE = "America/Santiago"  # UTC-4 in June 2005
DAYS = ("2005-06-20", "2005-06-21", "2005-06-22", "2005-06-23")
REPORTED_COUNTRIES = ["AR", "BO", "BR", "CO", "CL", "CR", "EC", "SV", "GT", "HN", "JM", "MX",
                      "NI", "PA", "PY", "PE", "US", "UY"]

SERIES = {
    "kind": "series",
    "title": {"es": "Seminario Interamericano en E-Compras Gubernamentales",
              "en": "Inter-American Seminar on E-Government Procurement"},
    "topics": ["e_procurement"],
}

EDITION_II = {
    "kind": "seminar",
    "title": {"es": "II Seminario Interamericano en E-Compras Gubernamentales",
              "en": "II Seminar in E-Government Procurement"},
    "edition": {"number": 2, "label": "II"},
    "venue": {"mode": "in_person", "city": "Sao Paulo", "country": "BR"},
    # "held in Sao Paulo in September 2004": the month, not the days.
    "starts_on": "2004-09-01", "ends_on": "2004-09-30", "date_precision": "month",
    "topics": ["e_procurement"],
}

AGREEMENTS = [
    {"es": "Áreas de interés común. Las conclusiones de las mesas de trabajo permitieron "
           "identificar dos áreas de cooperación regional que son de mucho interés para los "
           "representantes de los países que asistieron al seminario. Los dos temas de mas "
           "alta prioridad en común son: Participación competitiva de las PYMEs en Compras "
           "Gubernamentales; Desarrollo profesional y entrenamiento. Otros temas de interés "
           "común y prioritario que identificados por los países son: Armonización; "
           "Integración de E-Compras Gubernamentales con sistemas financieros y de impuestos; "
           "Asociaciones publico-privadas.",
     "en": "Areas of common interest. The conclusions of the workshops identified two areas "
           "of regional cooperation that are of high interest for the countries' "
           "representatives that attended the seminar. The two issues of highest priority "
           "common interest were: Competitive SME participation in E-GP; Professional "
           "development and training. Other issues of high priority common concern are: "
           "Harmonization; Integration of e-government procurement with financial and tax "
           "systems; Public-Private partnerships."},
    {"es": "Comité Ejecutivo de la Red Interamericana de Compras Gubernamentales. Los países "
           "representados acordaron integrar todas las iniciativas multinacionales en compras "
           "gubernamentales que actualmente están en marcha bajo una Red de Compras "
           "Gubernamentales única y establecer un comité ejecutivo para llevar a cabo las "
           "actividades de coordinación con el apoyo de la OEA. El Comité Ejecutivo estaré "
           "integrado por los países que han sido sede de eventos anteriores (Perú, Costa "
           "Rica, Brasil, Chile) y aquellos países que serán sede de próximos eventos (EEUU). "
           "El sitio www.compraspublicas.org será el sitio de la Red; el Gobierno de Chile "
           "ofreció hospedaje y mantenimiento del sitio por un periodo de un año.",
     "en": "Executive Committee of the Inter-American Government Procurement Network. The "
           "country representatives agreed to integrate all ongoing multinational initiatives "
           "in government procurement in the Americas under a single Inter-American "
           "Government Procurement Network and to establish an Executive Committee to carry "
           "out the coordination of activities with the support of the OAS. The Executive "
           "Committee is integrated by the countries that had hosted previous events (Peru, "
           "Costa Rica, Brazil, Chile) and those countries that will host the next events "
           "(United States). The website www.compraspublicas.org becomes the Network's; the "
           "Government of Chile offered to host and upkeep it for a period of one year."},
]

EDITION_III = {
    "kind": "seminar",
    "title": {"es": "III Seminario Interamericano en E-Compras Gubernamentales",
              "en": "III Inter-American Seminar in E-Government Procurement"},
    "summary": {"es": "Actividad de la Red Inter-Americana de E-Compras Gubernamentales, "
                      "coordinada por ChileCompra.",
                "en": "An activity of the Inter-American Network of E-Government "
                      "Procurement, coordinated by ChileCompra."},
    "edition": {"number": 3, "label": "III"},
    "organisers": [{"name": "Organización de los Estados Americanos", "acronym": "OEA"},
                   {"name": "Gobierno de Chile", "country": "CL"}],
    "partners": [{"name": "Oficina de Compras y Contrataciones Publicas de Chile",
                  "acronym": "ChileCompra", "agency": "CL"}],
    "venue": {"mode": "in_person", "city": "Santiago de Chile", "country": "CL"},
    "timezone": TIMEZONE,
    "topics": ["e_procurement", "msmes", "professionalization", "institutionalization"],
    "keywords": ["e-compras", "e-procurement", "firma digital", "contratos marco"],
    "reported": {"participants": 38, "countries": REPORTED_COUNTRIES, "institutions": 2},
    "agreements": AGREEMENTS,
    "registration": "per_part",
}

WORKSHOPS = [  # (es, en), "Temas de las mesas de trabajo" / "Topics covered in the workshops"
    ("Las tendencias de E-Compras en el sector público y en el sector privado",
     "E-Procurement tendencies in the Public and Private Sector"),
    ("El rol de la banca electrónica en E-Compras", "Role of electronic banking in E-Procurement"),
    ("Experiencias internacionales", "Global Experiences"),
    ("Contratos marco y compras por catálogos electrónicos",
     "Framework Contracts and procurement by e-catalogues"),
]
FORUMS = [  # "Temas de los foros de discusión" / "Topics covered in the Discussion Forums"
    ("Estrategias para el desarrollo de E-Compras Gubernamentales (presentación de perfiles "
     "de países)", "Strategies for the development of e-government procurement (presentation "
     "of country profiles identified by the OAS)"),
    ("Marco legal de las compras públicas", "Legal Framework of public procurement"),
    ("Organización institucional", "Institutional Organization"),
    ("Firma digital y seguridad", "Security and Digital Signature"),
    ("Subcontratación de plataformas", "Externalization of Platforms"),
    ("Apoyo y entrenamiento a usuarios de plataforma", "Assistance and Training for platform "
     "users"),
    ("Participación competitiva de PYMES en compras gubernamentales",
     "Competitive Participation of SMEs in Public Procurement"),
]
CLOSING = ("Institucionalización de las iniciativas presentadas en reuniones anteriores",
           "Institutionalization of the initiatives introduced in previous meetings")


def _slot(day: str, key: str, hours: tuple[str, str], titles: tuple[str, str],
          kind: str) -> dict[str, Any]:
    return {"key": key, "starts_at": f"{day}T{hours[0]}", "ends_at": f"{day}T{hours[1]}",
            "title": {"es": titles[0], "en": titles[1]}, "kind": kind}


MORNING, AFTERNOON = ("09:30", "13:00"), ("14:30", "18:00")
FORUM_HOURS = (("09:00", "11:00"), ("11:00", "13:00"), ("14:30", "16:30"), ("16:30", "18:00"))


def _workshops(day: str, pair: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"key": "mesas-de-trabajo", "title": {"es": "Mesas de trabajo", "en": "Workshops"},
             "slots": [_slot(day, f"mesa-{n}", hours, titles, "panel") for n, (hours, titles)
                       in enumerate(zip((MORNING, AFTERNOON), pair, strict=True))]}]


def _forums(day: str, topics: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"key": "foros", "title": {"es": "Foros de discusión", "en": "Discussion forums"},
             "slots": [_slot(day, f"foro-{n}", hours, titles, "discussion") for n, (hours, titles)
                       in enumerate(zip(FORUM_HOURS[:len(topics)], topics, strict=True))]}]


def agendas() -> list[list[dict[str, Any]]]:
    """The agenda of each of the four days."""
    last_day = _forums(DAYS[3], FORUMS[4:])
    last_day[0]["slots"].append(_slot(DAYS[3], "cierre", ("16:30", "18:00"), CLOSING,
                                      "closing"))
    return [_workshops(DAYS[0], WORKSHOPS[:2]), _workshops(DAYS[1], WORKSHOPS[2:]),
            _forums(DAYS[2], FORUMS[:4]), last_day]


def day_session(event_id: str, day_number: int) -> dict[str, Any]:
    """One day of the seminar as a session (a part of the event)."""
    day = DAYS[day_number]
    return {
        "title": {"es": f"III Seminario Interamericano en E-Compras Gubernamentales, "
                        f"día {day_number + 1}",
                  "en": f"III Inter-American Seminar in E-Government Procurement, "
                        f"day {day_number + 1}"},
        "format": "seminar", "topics": ["e_procurement"],
        "starts_at": f"{day}T09:00:00-04:00", "ends_at": f"{day}T18:00:00-04:00",
        "timezone": TIMEZONE, "languages": ["es", "en"], "event_id": event_id,
        "venue": {"mode": "in_person", "city": "Santiago de Chile", "country": "CL"},
        "agenda": agendas()[day_number],
    }
