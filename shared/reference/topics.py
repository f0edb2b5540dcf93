"""Thematic areas of the Virtual Dialogues, used to tag sessions and documents."""

from typing import Final

from shared.reference.models import Coded, coded
from shared.reference.types import TopicCode

_T = Coded[TopicCode]

TOPICS: Final[tuple[Coded[TopicCode], ...]] = (
    coded(
        _T,
        "e_procurement",
        es="Sistemas electrónicos de contratación pública",
        en="E-procurement systems",
        pt="Sistemas eletrônicos de contratação pública",
        fr="Systèmes de passation électronique des marchés publics",
    ),
    coded(
        _T,
        "sustainable_procurement",
        es="Contratación pública sostenible",
        en="Sustainable public procurement",
        pt="Contratação pública sustentável",
        fr="Marchés publics durables",
    ),
    coded(
        _T,
        "institutionalization",
        es="Institucionalización de la contratación pública",
        en="Institutionalization of public procurement",
        pt="Institucionalização da contratação pública",
        fr="Institutionnalisation des marchés publics",
    ),
    coded(
        _T,
        "msmes",
        es="MIPYMES como proveedoras del Estado",
        en="MSMEs as state suppliers",
        pt="MPMEs como fornecedoras do Estado",
        fr="Les MPME en tant que fournisseurs de l'État",
    ),
    coded(
        _T,
        "women_in_procurement",
        es="Mujeres en la contratación pública",
        en="Women in public procurement",
        pt="Mulheres na contratação pública",
        fr="Les femmes dans les marchés publics",
    ),
    coded(
        _T,
        "contracting_mechanisms",
        es="Mecanismos de contratación (acuerdos marco, subastas inversas)",
        en="Contracting mechanisms (framework agreements, reverse auctions)",
        pt="Mecanismos de contratação (acordos-quadro, leilões reversos)",
        fr="Modes de passation (accords-cadres, enchères inversées)",
    ),
    coded(
        _T,
        "public_expenditure",
        es="Gasto público",
        en="Public expenditure",
        pt="Gasto público",
        fr="Dépenses publiques",
    ),
    coded(
        _T,
        "public_works",
        es="Obras públicas",
        en="Public works",
        pt="Obras públicas",
        fr="Travaux publics",
    ),
    coded(
        _T,
        "transparency_integrity",
        es="Transparencia e integridad",
        en="Transparency and integrity",
        pt="Transparência e integridade",
        fr="Transparence et intégrité",
    ),
    coded(
        _T,
        "open_data",
        es="Datos abiertos",
        en="Open data",
        pt="Dados abertos",
        fr="Données ouvertes",
    ),
    coded(
        _T,
        "professionalization",
        es="Profesionalización del comprador público",
        en="Professionalization of the public purchaser",
        pt="Profissionalização do comprador público",
        fr="Professionnalisation de l'acheteur public",
    ),
    coded(
        _T,
        "dispute_settlement",
        es="Solución de controversias",
        en="Dispute settlement",
        pt="Solução de controvérsias",
        fr="Règlement des différends",
    ),
    coded(
        _T,
        "innovation",
        es="Innovación en la contratación pública",
        en="Innovation in public procurement",
        pt="Inovação na contratação pública",
        fr="Innovation dans les marchés publics",
    ),
    coded(
        _T,
        "performance_indicators",
        es="Indicadores de desempeño",
        en="Performance indicators",
        pt="Indicadores de desempenho",
        fr="Indicateurs de performance",
    ),
    coded(
        _T,
        "contract_management",
        es="Gestión de contratos",
        en="Contract management",
        pt="Gestão de contratos",
        fr="Gestion des contrats",
    ),
    coded(
        _T,
        "public_private_partnerships",
        es="Asociaciones público-privadas",
        en="Public-private partnerships",
        pt="Parcerias público-privadas",
        fr="Partenariats public-privé",
    ),
)
