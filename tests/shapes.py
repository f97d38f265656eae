"""Strategies of the three shapes our territories use, built as their secretariats would enter
them (no invented row):

- the SDI of Crans-Montana: axes → domains → measures → projects (the demo, four levels);
- CCVH « Smart Vallée »: six orientations → ten pilot actions (two levels: no domains, no
  measures), seed 001;
- a Nord-like contract: enjeux → orientations → projects (three levels: no domains), seed 002,
  280 projects of which 91 are engaged.
"""

from __future__ import annotations

import datetime

from projects.models import Project
from strategies.models import Axis, Measure, Strategy, Territory

CCVH_NAMES = {
    "axis": {"singular": "orientation", "plural": "orientations", "gender": "f"},
    "project": {
        "singular": "action",
        "plural": "actions",
        "gender": "f",
        "singular_en": "action",
        "plural_en": "actions",
        "prefix": "a",
    },
}

#: CCVH's six orientations and their ten pilot actions (code, title, status), from seed 001.
CCVH_PLAN = [
    (
        "Accélérer la transformation digitale des services de la CCVH",
        [
            ("a1", "Gestion connectée de bout en bout des déchets", "in_progress"),
            ("a3", "Portail petite enfance (guichet unique)", "planned"),
        ],
    ),
    (
        "S'engager dans l'ère de la communication digitale",
        [
            ("a2", "Application mobile CCVH pour « pousser » de l'information", "done"),
            ("a10", "Boîte à idées numérique, citoyenne et collaborative", "planned"),
        ],
    ),
    (
        "Renforcer la localisation de l'activité grâce au numérique",
        [
            ("a4", "Tiers-lieu du numérique – La Galerie Digitale", "in_progress"),
            ("a5", "Aide intercommunale aux espaces de travail collaboratif", "blocked"),
            ("a6", "Capteurs Beacons dans une zone d'activité économique", "planned"),
        ],
    ),
    (
        "Accompagner la filière viti-vinicole par le numérique",
        [("a7", "Transition numérique des acteurs de la filière vitivinicole", "paused")],
    ),
    (
        "Appuyer la stratégie digitale du tourisme et de la culture",
        [("a8", "Parcours en réalité augmentée sur des sites remarquables", "planned")],
    ),
    (
        "Développer les usages du numérique pour tous",
        [("a9", "Former les citoyens aux usages du numérique", "in_progress")],
    ),
]

NORD_NAMES = {
    "axis": {"singular": "enjeu", "plural": "enjeux", "gender": "m"},
    "measure": {"singular": "orientation", "plural": "orientations", "gender": "f", "prefix": "o"},
}

NORD_ENJEUX = ("Attractivité du territoire", "Transitions", "Solidarités")

#: The Nord's portfolio: 280 projects, 91 of them engaged (en cours, en pause, bloqué, réalisé).
NORD_ENGAGED = {"in_progress": 60, "paused": 8, "blocked": 5, "done": 18}
NORD_PROJECTS = 280


def ccvh_strategy() -> Strategy:
    """CCVH's plan, typed as its secretariat would: 6 orientations, 10 actions, nothing more."""
    territory = Territory.objects.create(name="Communauté de communes (CCVH)", slug="ccvh")
    strategy = Strategy.objects.create(
        territory=territory,
        title="Smart Vallée",
        short_name="SV",
        start_year=2016,
        horizon_year=2025,
        uses_domains=False,
        uses_measures=False,
        level_names=CCVH_NAMES,
    )
    for number, (title, actions) in enumerate(CCVH_PLAN, start=1):
        axis = Axis.objects.create(strategy=strategy, number=number, title=title)
        for code, action, status in actions:
            project = Project(axis=axis, code=code, title=action, status=status)
            project.full_clean()
            project.save()
    return strategy


def nord_strategy() -> Strategy:
    """A Nord-like contract: 3 enjeux, 9 orientations, 280 projects of which 91 engaged."""
    territory = Territory.objects.create(name="Département du Nord", slug="nord")
    strategy = Strategy.objects.create(
        territory=territory,
        title="Contrat de territoire",
        short_name="CT",
        start_year=2023,
        horizon_year=2028,
        uses_domains=False,
        level_names=NORD_NAMES,
    )
    measures = []
    for number, title in enumerate(NORD_ENJEUX, start=1):
        axis = Axis.objects.create(strategy=strategy, number=number, title=title)
        for index in range(1, 4):
            measures.append(
                Measure.objects.create(
                    axis=axis,
                    code=f"o{(number - 1) * 3 + index}",
                    title=f"Orientation {number}.{index}",
                )
            )
    statuses = [status for status, count in NORD_ENGAGED.items() for _ in range(count)]
    statuses += ["planned"] * (NORD_PROJECTS - len(statuses))
    start = datetime.date(2024, 1, 1)
    Project.objects.bulk_create(
        Project(
            strategy=strategy,
            axis_id=measures[index % len(measures)].axis_id,
            measure=measures[index % len(measures)],
            code=f"p{index + 1}",
            title=f"Projet {index + 1}",
            status=status,
            start_date=start,
            end_date=datetime.date(2030, 12, 31),
        )
        for index, status in enumerate(statuses)
    )
    return strategy
