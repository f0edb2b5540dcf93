"""Literal code aliases for the reference vocabularies.

Other packages annotate pydantic fields with these so that an invalid code is
rejected at the boundary. They must list exactly the codes of the data tuples;
``tests/unit/test_reference.py`` enforces that.
"""

from typing import Literal, TypeAlias

LanguageCode: TypeAlias = Literal["es", "en", "pt", "fr"]

RegionCode: TypeAlias = Literal[
    "north_america",
    "caribbean",
    "central_america",
    "andean_region",
    "southern_cone",
]

TopicCode: TypeAlias = Literal[
    "e_procurement",
    "sustainable_procurement",
    "institutionalization",
    "msmes",
    "women_in_procurement",
    "contracting_mechanisms",
    "public_expenditure",
    "public_works",
    "transparency_integrity",
    "open_data",
    "professionalization",
    "dispute_settlement",
    "innovation",
    "performance_indicators",
    "contract_management",
    "public_private_partnerships",
]

SessionFormat: TypeAlias = Literal[
    "webinar",
    "workshop",
    "seminar",
    "panel",
    "working_session",
    "bilateral_exchange",
    "conference",
    "course",
]

DocumentType: TypeAlias = Literal[
    "publication",
    "case_study",
    "guide",
    "diagnosis",
    "study",
    "report",
    "resolution",
    "declaration",
    "agenda",
    "presentation",
    "recording",
    "course_material",
]

Sector: TypeAlias = Literal[
    "government",
    "private_sector",
    "civil_society",
    "academia",
    "international_organization",
    "other",
]

# Names accepted by ``label()``; "member_states" resolves ISO codes to names.
Vocabulary: TypeAlias = Literal[
    "languages",
    "regions",
    "topics",
    "session_formats",
    "document_types",
    "sectors",
    "member_states",
]
