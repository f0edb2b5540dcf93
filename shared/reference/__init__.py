"""INGP reference data: member states, regions, languages and vocabularies.

Codes are stable identifiers stored in the database and sent over the API;
labels exist in all four OAS official languages (es, en, pt, fr).
"""

from shared.reference.formats import DOCUMENT_TYPES, SESSION_FORMATS
from shared.reference.lookup import (
    CodedDict,
    LabelsDict,
    MemberStateDict,
    ReferenceDict,
    as_dict,
    is_member_state,
    label,
    member_state,
    region_of,
)
from shared.reference.member_states import MEMBER_STATES
from shared.reference.models import Coded, Labels, MemberState, Region
from shared.reference.topics import TOPICS
from shared.reference.types import (
    DocumentType,
    LanguageCode,
    RegionCode,
    Sector,
    SessionFormat,
    TopicCode,
    Vocabulary,
)
from shared.reference.vocabularies import (
    LANGUAGES,
    REGIONS,
    REQUIRED_LANGUAGES,
    SECTORS,
)

__all__ = [
    "DOCUMENT_TYPES",
    "LANGUAGES",
    "MEMBER_STATES",
    "REGIONS",
    "REQUIRED_LANGUAGES",
    "SECTORS",
    "SESSION_FORMATS",
    "TOPICS",
    "Coded",
    "CodedDict",
    "DocumentType",
    "Labels",
    "LabelsDict",
    "LanguageCode",
    "MemberState",
    "MemberStateDict",
    "ReferenceDict",
    "Region",
    "RegionCode",
    "Sector",
    "SessionFormat",
    "TopicCode",
    "Vocabulary",
    "as_dict",
    "is_member_state",
    "label",
    "member_state",
    "region_of",
]
