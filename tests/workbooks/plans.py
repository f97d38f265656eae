"""Strategies as a territory's secretariat has them in Excel, as plain data for any test.

``SMART_VALLEE``: the CCVH's plan « Smart Vallée », a two-level strategy — six orientations and
ten pilot actions directly under them, no domains, no measures — with two indicators and their
values. Titles are those of seed 001; statuses, dates and indicators are plausible.
"""

from __future__ import annotations

import datetime

SMART_VALLEE = {
    "strategy": {
        "title": "Smart Vallée",
        "short_name": "CCVH",
        "start_year": 2024,
        "horizon_year": 2030,
    },
    "uses_domains": False,
    "uses_measures": False,
    "level_names": {
        "axis": {
            "singular": "orientation",
            "plural": "orientations",
            "gender": "f",
            "singular_en": "orientation",
            "plural_en": "orientations",
        },
        "project": {
            "singular": "action",
            "plural": "actions",
            "gender": "f",
            "singular_en": "action",
            "plural_en": "actions",
            "prefix": "a",
        },
    },
    # (number, title, strategic objective)
    "orientations": [
        (
            1,
            "Accélérer la transformation digitale des services de la CCVH",
            "Des services intercommunaux gérés et rendus en ligne",
        ),
        (
            2,
            "S'engager dans l'ère de la communication digitale",
            "Une information qui circule dans les deux sens",
        ),
        (
            3,
            "Renforcer la localisation de l'activité grâce au numérique",
            "Des lieux et des outils pour travailler dans la vallée",
        ),
        (
            4,
            "Accompagner la filière viti-vinicole par le numérique",
            "Des exploitations outillées et visibles en ligne",
        ),
        (
            5,
            "Appuyer la stratégie digitale du tourisme et de la culture",
            "Des sites remarquables visités autrement",
        ),
        (
            6,
            "Développer les usages du numérique pour tous",
            "Chaque habitant à l'aise avec les démarches en ligne",
        ),
    ],
    # (code, title, orientation, status, priority, start, end)
    "actions": [
        (
            "a1",
            "Gestion connectée de bout en bout des déchets",
            1,
            "en cours",
            1,
            datetime.date(2024, 3, 1),
            datetime.date(2026, 12, 31),
        ),
        (
            "a2",
            "Portail petite enfance (guichet unique)",
            1,
            "à venir",
            2,
            datetime.date(2025, 1, 1),
            datetime.date(2027, 6, 30),
        ),
        (
            "a3",
            "Application mobile CCVH pour « pousser » de l'information",
            2,
            "en cours",
            1,
            datetime.date(2024, 9, 1),
            datetime.date(2026, 8, 31),
        ),
        (
            "a4",
            "Boîte à idées numérique, citoyenne et collaborative",
            2,
            "à venir",
            3,
            None,
            None,
        ),
        (
            "a5",
            "Tiers-lieu du numérique – La Galerie Digitale",
            3,
            "réalisé",
            2,
            datetime.date(2024, 1, 15),
            datetime.date(2024, 11, 30),
        ),
        (
            "a6",
            "Aide intercommunale aux espaces de travail collaboratif",
            3,
            "en pause",
            1,
            datetime.date(2025, 4, 1),
            datetime.date(2028, 10, 31),
        ),
        (
            "a7",
            "Transition numérique des acteurs de la filière vitivinicole",
            4,
            "en cours",
            2,
            datetime.date(2024, 5, 1),
            datetime.date(2025, 12, 31),
        ),
        (
            "a8",
            "Parcours en réalité augmentée sur des sites remarquables",
            5,
            "en cours",
            1,
            datetime.date(2024, 2, 1),
            datetime.date(2026, 1, 31),
        ),
        (
            "a9",
            "Capteurs Beacons dans une zone d'activité économique",
            3,
            "à venir",
            2,
            datetime.date(2025, 9, 1),
            datetime.date(2027, 3, 31),
        ),
        (
            "a10",
            "Former les citoyens aux usages du numérique",
            6,
            "bloqué",
            3,
            datetime.date(2024, 6, 1),
            datetime.date(2025, 6, 30),
        ),
    ],
    # (code, name, orientation, unit, baseline, target)
    "indicators": [
        ("s1", "Démarches en ligne traitées", 1, "démarches par an", 400, 2500),
        ("s2", "Signalements citoyens par l'application", 2, "signalements par an", 0, 1200),
    ],
    # (indicator, date, value)
    "values": [
        ("s1", datetime.date(2024, 12, 31), 950),
        ("s1", datetime.date(2025, 6, 30), 1300),
        ("s2", datetime.date(2025, 6, 30), 310),
    ],
}
