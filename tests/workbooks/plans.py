"""Strategies as a territory's secretariat has them in Excel, as plain data for any test.

``SMART_VALLEE``: the CCVH's plan « Smart Vallée », a two-level strategy — six orientations and
ten pilot actions directly under them, no domains, no measures — with two indicators and their
values. Titles are plausible, not the CCVH's own wording.
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
            "Accélérer la transformation digitale",
            "Chaque commune et chaque entreprise connectée",
        ),
        (2, "Mobilité", "Se déplacer dans la vallée sans voiture individuelle"),
        (3, "Énergie", "Un territoire à énergie positive en 2030"),
        (4, "Tourisme", "Un tourisme des quatre saisons"),
        (5, "Services à la population", "Des services publics proches et en ligne"),
        (6, "Attractivité économique", "Garder et attirer les entreprises et les emplois"),
    ],
    # (code, title, orientation, status, priority, start, end)
    "actions": [
        (
            "a1",
            "Fibre optique dans toutes les zones d'activité",
            1,
            "en cours",
            1,
            datetime.date(2024, 3, 1),
            datetime.date(2026, 12, 31),
        ),
        (
            "a2",
            "Guichet numérique intercommunal",
            1,
            "à venir",
            2,
            datetime.date(2025, 1, 1),
            datetime.date(2027, 6, 30),
        ),
        (
            "a3",
            "Transport à la demande entre les villages",
            2,
            "en cours",
            1,
            datetime.date(2024, 9, 1),
            datetime.date(2026, 8, 31),
        ),
        (
            "a4",
            "Parkings relais et covoiturage",
            2,
            "à venir",
            3,
            None,
            None,
        ),
        (
            "a5",
            "Cadastre solaire des toitures",
            3,
            "réalisé",
            2,
            datetime.date(2024, 1, 15),
            datetime.date(2024, 11, 30),
        ),
        (
            "a6",
            "Réseau de chaleur du bourg",
            3,
            "en pause",
            1,
            datetime.date(2025, 4, 1),
            datetime.date(2028, 10, 31),
        ),
        (
            "a7",
            "Sentiers connectés et application de visite",
            4,
            "en cours",
            2,
            datetime.date(2024, 5, 1),
            datetime.date(2025, 12, 31),
        ),
        (
            "a8",
            "Maison France services itinérante",
            5,
            "en cours",
            1,
            datetime.date(2024, 2, 1),
            datetime.date(2026, 1, 31),
        ),
        (
            "a9",
            "Espace de coworking de la gare",
            6,
            "à venir",
            2,
            datetime.date(2025, 9, 1),
            datetime.date(2027, 3, 31),
        ),
        (
            "a10",
            "Plateforme des offres d'emploi locales",
            6,
            "bloqué",
            3,
            datetime.date(2024, 6, 1),
            datetime.date(2025, 6, 30),
        ),
    ],
    # (code, name, orientation, unit, baseline, target)
    "indicators": [
        ("s1", "Entreprises raccordées à la fibre", 1, "entreprises", 40, 250),
        ("s2", "Voyages en transport à la demande", 2, "voyages par an", 0, 12000),
    ],
    # (indicator, date, value)
    "values": [
        ("s1", datetime.date(2024, 12, 31), 95),
        ("s1", datetime.date(2025, 6, 30), 130),
        ("s2", datetime.date(2025, 6, 30), 3100),
    ],
}
