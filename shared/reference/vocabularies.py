"""Small controlled vocabularies: languages, regions and participant sectors."""

from typing import Final

from shared.reference.models import Coded, Labels, Region, coded
from shared.reference.types import LanguageCode, RegionCode, Sector

_L = Coded[LanguageCode]
_S = Coded[Sector]

# The four OAS official languages; every label in this package exists in each.
LANGUAGES: Final[tuple[Coded[LanguageCode], ...]] = (
    coded(_L, "es", es="Español", en="Spanish", pt="Espanhol", fr="Espagnol"),
    coded(_L, "en", es="Inglés", en="English", pt="Inglês", fr="Anglais"),
    coded(_L, "pt", es="Portugués", en="Portuguese", pt="Português", fr="Portugais"),
    coded(_L, "fr", es="Francés", en="French", pt="Francês", fr="Français"),
)

# The repository is bilingual: a document without both versions is incomplete.
REQUIRED_LANGUAGES: Final[tuple[LanguageCode, ...]] = ("es", "en")


def _region(code: RegionCode, *, es: str, en: str, pt: str, fr: str) -> Region:
    return Region(code=code, labels=Labels(es=es, en=en, pt=pt, fr=fr))


REGIONS: Final[tuple[Region, ...]] = (
    _region(
        "north_america",
        es="América del Norte",
        en="North America",
        pt="América do Norte",
        fr="Amérique du Nord",
    ),
    _region("caribbean", es="Caribe", en="Caribbean", pt="Caribe", fr="Caraïbes"),
    _region(
        "central_america",
        es="Centroamérica",
        en="Central America",
        pt="América Central",
        fr="Amérique centrale",
    ),
    _region(
        "andean_region",
        es="Región Andina",
        en="Andean Region",
        pt="Região Andina",
        fr="Région andine",
    ),
    _region(
        "southern_cone", es="Cono Sur", en="Southern Cone", pt="Cone Sul", fr="Cône Sud"
    ),
)

SECTORS: Final[tuple[Coded[Sector], ...]] = (
    coded(
        _S,
        "government",
        es="Gobierno",
        en="Government",
        pt="Governo",
        fr="Gouvernement",
    ),
    coded(
        _S,
        "private_sector",
        es="Sector privado",
        en="Private sector",
        pt="Setor privado",
        fr="Secteur privé",
    ),
    coded(
        _S,
        "civil_society",
        es="Sociedad civil",
        en="Civil society",
        pt="Sociedade civil",
        fr="Société civile",
    ),
    coded(
        _S,
        "academia",
        es="Sector académico",
        en="Academia",
        pt="Setor acadêmico",
        fr="Milieu universitaire",
    ),
    coded(
        _S,
        "international_organization",
        es="Organismo internacional",
        en="International organization",
        pt="Organização internacional",
        fr="Organisation internationale",
    ),
    coded(_S, "other", es="Otro", en="Other", pt="Outro", fr="Autre"),
)
