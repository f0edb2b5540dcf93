"""The 32 INGP member states and their national procurement agencies.

Registrations are open to any country; this list only flags member states.
"""

from typing import Final, TypeAlias

from shared.reference.models import Labels, MemberState
from shared.reference.types import RegionCode

# (ISO 3166-1 alpha-2, (es, en, pt, fr) name, procurement agency in English)
_Row: TypeAlias = tuple[str, tuple[str, str, str, str], str]

# The seed documents name the five regions but not the region of each state.
# Belize, Guyana and Suriname go to the Caribbean as CARICOM members, and the
# Dominican Republic to Central America as a SICA member.
_BY_REGION: Final[dict[RegionCode, tuple[_Row, ...]]] = {
    "north_america": (
        (
            "CA",
            ("Canadá", "Canada", "Canadá", "Canada"),
            (
                "Public Works and Government Services (General Directorate for "
                "Defence Procurement and International Cooperation)"
            ),
        ),
        (
            "MX",
            ("México", "Mexico", "México", "Mexique"),
            "Secretariat of Finance and Public Credit",
        ),
    ),
    "caribbean": (
        (
            "AG",
            (
                "Antigua y Barbuda",
                "Antigua and Barbuda",
                "Antígua e Barbuda",
                "Antigua-et-Barbuda",
            ),
            "Ministry of Finance",
        ),
        ("BS", ("Bahamas", "Bahamas", "Bahamas", "Bahamas"), "Ministry of Finance"),
        (
            "BB",
            ("Barbados", "Barbados", "Barbados", "Barbade"),
            "Central Purchasing Department, Ministry of Finance",
        ),
        ("BZ", ("Belice", "Belize", "Belize", "Belize"), "Ministry of Finance"),
        (
            "DM",
            ("Dominica", "Dominica", "Dominica", "Dominique"),
            "Ministry of Finance and Planning",
        ),
        ("GD", ("Granada", "Grenada", "Granada", "Grenade"), "Ministry of Finance"),
        (
            "GY",
            ("Guyana", "Guyana", "Guiana", "Guyana"),
            (
                "Administrative Council for National Procurement and Tender, "
                "Ministry of Finance"
            ),
        ),
        (
            "HT",
            ("Haití", "Haiti", "Haiti", "Haïti"),
            "National Public Procurement Commission (CNMP)",
        ),
        (
            "JM",
            ("Jamaica", "Jamaica", "Jamaica", "Jamaïque"),
            "Procurement and Asset Policy Unit, Ministry of Finance",
        ),
        (
            "KN",
            (
                "Saint Kitts y Nevis",
                "Saint Kitts and Nevis",
                "São Cristóvão e Névis",
                "Saint-Christophe-et-Niévès",
            ),
            "Ministry of Finance",
        ),
        (
            "LC",
            ("Santa Lucía", "Saint Lucia", "Santa Lúcia", "Sainte-Lucie"),
            "Department of Finance, Ministry of Finance",
        ),
        (
            "VC",
            (
                "San Vicente y las Granadinas",
                "Saint Vincent and the Grenadines",
                "São Vicente e Granadinas",
                "Saint-Vincent-et-les-Grenadines",
            ),
            "Ministry of Finance and Economic Planning",
        ),
        ("SR", ("Suriname", "Suriname", "Suriname", "Suriname"), "Ministry of Finance"),
        (
            "TT",
            (
                "Trinidad y Tobago",
                "Trinidad and Tobago",
                "Trinidad e Tobago",
                "Trinité-et-Tobago",
            ),
            "Central Tenders Board, Ministry of Finance",
        ),
    ),
    "central_america": (
        (
            "CR",
            ("Costa Rica", "Costa Rica", "Costa Rica", "Costa Rica"),
            (
                "Directorate of Property Administration and Administrative Contracting, "
                "Ministry of Finance"
            ),
        ),
        (
            "DO",
            (
                "República Dominicana",
                "Dominican Republic",
                "República Dominicana",
                "République dominicaine",
            ),
            "General Directorate of Public Contracting",
        ),
        (
            "SV",
            ("El Salvador", "El Salvador", "El Salvador", "El Salvador"),
            "Procurement and Contracting Regulatory Unit (UNAC), Ministry of the Treasury",
        ),
        (
            "GT",
            ("Guatemala", "Guatemala", "Guatemala", "Guatemala"),
            (
                "Directorate of State Contracting and Acquisitions Policy, "
                "Ministry of Public Finance"
            ),
        ),
        (
            "HN",
            ("Honduras", "Honduras", "Honduras", "Honduras"),
            "State Contracting and Procurement Regulatory Office (ONCAE)",
        ),
        (
            "NI",
            ("Nicaragua", "Nicaragua", "Nicarágua", "Nicaragua"),
            "Directorate of State Contracting, Ministry of Finance and Public Credit",
        ),
        (
            "PA",
            ("Panamá", "Panama", "Panamá", "Panama"),
            "General Directorate of Public Contracting",
        ),
    ),
    "andean_region": (
        (
            "BO",
            ("Bolivia", "Bolivia", "Bolívia", "Bolivie"),
            "Ministry of the Economy and Finance",
        ),
        (
            "CO",
            ("Colombia", "Colombia", "Colômbia", "Colombie"),
            "National Contracting Agency Colombia Compra Eficiente",
        ),
        (
            "EC",
            ("Ecuador", "Ecuador", "Equador", "Équateur"),
            "National Public Contracting Service (SERCOP)",
        ),
        (
            "PE",
            ("Perú", "Peru", "Peru", "Pérou"),
            "State Contracting Oversight Agency (OSCE)",
        ),
    ),
    "southern_cone": (
        (
            "AR",
            ("Argentina", "Argentina", "Argentina", "Argentine"),
            "Oficina Nacional de Contrataciones (ONC)",
        ),
        (
            "BR",
            ("Brasil", "Brazil", "Brasil", "Brésil"),
            "Ministry of Planning, Organization and Management",
        ),
        (
            "CL",
            ("Chile", "Chile", "Chile", "Chili"),
            "Directorate of ChileCompra, Ministry of the Treasury",
        ),
        (
            "PY",
            ("Paraguay", "Paraguay", "Paraguai", "Paraguay"),
            "National Directorate of Public Contracting",
        ),
        (
            "UY",
            ("Uruguay", "Uruguay", "Uruguai", "Uruguay"),
            "State Procurement and Contracting Agency (ACCE)",
        ),
    ),
}


def _build() -> tuple[MemberState, ...]:
    states = [
        MemberState(
            iso2=iso2,
            name=Labels(es=es, en=en, pt=pt, fr=fr),
            agency=agency,
            region=region,
        )
        for region, rows in _BY_REGION.items()
        for iso2, (es, en, pt, fr), agency in rows
    ]
    # Sorted by code so API output and UI lists are stable regardless of grouping.
    return tuple(sorted(states, key=lambda state: state.iso2))


MEMBER_STATES: Final[tuple[MemberState, ...]] = _build()
