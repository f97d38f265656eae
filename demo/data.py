"""The demo territory: the Crans-Montana intercommunal strategy (SDI 2028).

Taken from the workshop of 3 June 2019 (Commission économie et tourisme, SEREC / HES-SO) wherever
the workshop says it: communes, vision, finalité, general objective, slogan, the four axes with
their strategic objectives and domains, and the rows of the "modèle d'efficacité 2028" (measures
and their projects). The workshop stops at "etc." after axis 2: the measures of axes 3 and 4, the
operational objectives, resources, budgets and indicators are plausible additions.

Project dates and indicator values depend on the day the demo is loaded (``projects(today)``,
``indicators(today)``), so that the cockpit shows every mark and every status on that day.
``load_demo`` writes these rows; nothing here touches the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

D = Decimal

TERRITORY_NAME = "Région de Crans-Montana"
TERRITORY_SLUG = "crans-montana"
COMMUNES = ("Crans-Montana", "Icogne", "Lens")
ALL_COMMUNES = COMMUNES

STRATEGY = {
    "title": "Stratégie de développement intercommunal",
    "short_name": "SDI",
    "start_year": 2020,
    "horizon_year": 2028,
    "vision": (
        "La région de Crans-Montana est un lieu de vie de haute qualité pour ses habitants, ses "
        "hôtes et ses acteurs économiques. Elle se définit par la cohérence de son aménagement et "
        "de ses infrastructures ainsi que par la qualité de son environnement, de son offre "
        "d'activités et de ses services.\n\n"
        "La région de Crans-Montana est composée des trois communes de Crans-Montana, Icogne et "
        "Lens."
    ),
    "slogan": "Satisfaction « Loisirs – Affaires – Santé »",
    "finality": (
        "Faire de la région de Crans-Montana une référence nationale en matière de développement "
        "durable, harmonieux et coordonné"
    ),
    "general_objective": (
        "Rendre le territoire attractif durant toute l'année pour les usagers (habitants, "
        "pendulaires, touristes, propriétaires de résidences secondaires, acteurs économiques, "
        "faune et flore)"
    ),
    "phase": "monitoring",
    "is_public": False,
}

# Transversal factors ("Facteurs transversaux" of the workshop).
COMMUNICATION = "Communication"
DIGITALISATION = "Digitalisation"
DURABLE = "Développement durable"
ENERGIE = "Transition énergétique"
THEMES = (COMMUNICATION, DIGITALISATION, DURABLE, ENERGIE)


@dataclass(frozen=True)
class AxisSpec:
    number: int
    title: str
    strategic_objective: str
    domains: tuple[str, ...]


AXES = (
    AxisSpec(
        1,
        "Infrastructures et équipements",
        "Les infrastructures et équipements ont été modernisés et adaptés en conformité avec les "
        "objectifs de la SDI",
        (
            "Mobilité individuelle et TP",
            "MICE",
            "Sports et loisirs",
            "Jeunesse",
            "Agriculture",
            "Adaptation aux changements climatiques",
            "Transition énergétique",
        ),
    ),
    AxisSpec(
        2,
        "Ressources naturelles",
        "L'utilisation des ressources naturelles locales a été optimisée",
        (
            "Bois",
            "Energie (économies, énergies renouvelables)",
            "Sol (agriculture, forêt, zones à bâtir, zones protégées)",
            "Eau",
            "Ordures",
            "Environnement",
        ),
    ),
    AxisSpec(
        3,
        "Services",
        "L'offre de services existants a été améliorée et l'émergence de nouveaux services "
        "innovants favorisée",
        (
            "Hébergement (population, touristes)",
            "Commerces",
            "Entreprises",
            "Culture et patrimoine",
            "Sports et loisirs",
            "Jeunesse (accueil petite enfance enseignement, formation, sport et loisirs)",
            "Écoles internationales",
            "Agritourisme",
            "Services innovants",
            "Services digitalisés",
        ),
    ),
    AxisSpec(
        4,
        "Gouvernance",
        "La gouvernance intercommunale a été améliorée et les outils nécessaires mis en place",
        (
            "Structures et fonctionnement (collaborations intercommunales et public-privé)",
            "Digitalisation (gestion des données, services)",
            "Communication",
            "Positionnement, promotion",
            "Mobilité",
            "Promotion économique",
            "Gestion du territoire (aménagement et urbanisme, agriculture)",
            "Démographie (loyers abordables, label, carte)",
            "Transmission (exploitations agricoles, commerces, entreprises)",
            "Diversification santé",
            "Sécurité et gestion de crises",
        ),
    ),
)


@dataclass(frozen=True)
class MeasureSpec:
    code: str
    axis: int
    domain: str
    title: str
    objective_code: str
    operational_objective: str
    lead: str
    partners: str
    resources: str
    outputs: str
    themes: tuple[str, ...] = ()


# One measure per row of the "modèle d'efficacité 2028" (rows sharing a domain and an output are
# one measure with several projects), then plausible measures where the workshop says "etc.".
MEASURES = (
    MeasureSpec(
        "m1",
        1,
        "Mobilité individuelle et TP",
        "Mobilité individuelle et transports publics coordonnés",
        "o1",
        "D'ici 2028, le plan sectoriel de la mobilité est appliqué par les trois communes et "
        "l'offre de transports publics entre la plaine et le Haut-Plateau est coordonnée.",
        "Communes",
        "SMC, Car postal",
        "Commission intercommunale de la mobilité ; ingénieur en mobilité mandaté (0,3 EPT) ; "
        "crédits d'études des trois communes.",
        "Plan sectoriel de la mobilité mis en œuvre",
        (DURABLE, ENERGIE),
    ),
    MeasureSpec(
        "m2",
        1,
        "MICE",
        "Centre de congrès de rayonnement intercommunal",
        "o2",
        "Disposer d'un centre de congrès moderne, capable d'accueillir toute l'année des "
        "manifestations de 50 à 1000 participants.",
        "Communes",
        "CMTC",
        "Direction du centre (2 EPT) ; équipe événementielle du CMTC.",
        "Centre de congrès Le Régent",
        (COMMUNICATION,),
    ),
    MeasureSpec(
        "m3",
        1,
        "Sports et loisirs",
        "Centre aquatique intercommunal",
        "o3",
        "Réaliser et exploiter un centre aquatique ouvert toute l'année aux habitants et aux hôtes "
        "des trois communes.",
        "Communes",
        "Sté d'exploitation",
        "Comité de pilotage intercommunal ; société d'exploitation ; mandataires (architecte, "
        "ingénieurs).",
        "Aqualoisirs réalisé et en fonction",
        (DURABLE,),
    ),
    MeasureSpec(
        "m4",
        1,
        "Sports et loisirs",
        "Infrastructures des remontées mécaniques",
        "o4",
        "Moderniser les installations de remontées mécaniques et d'enneigement pour garantir une "
        "exploitation en hiver comme en été.",
        "CMA",
        "Communes",
        "Services techniques de CMA ; contributions communales selon convention.",
        "Infrastructures CMA",
    ),
    MeasureSpec(
        "m5",
        1,
        "Jeunesse",
        "Accueil de la petite enfance",
        "o5",
        "Offrir une place d'accueil de la petite enfance à chaque famille résidente qui en fait "
        "la demande.",
        "Communes",
        "",
        "Service intercommunal de la petite enfance ; personnel éducatif (12 EPT).",
        "Accueil de la petite enfance",
    ),
    MeasureSpec(
        "m6",
        1,
        "Agriculture",
        "Génie rural",
        "o6",
        "Maintenir une agriculture de montagne productive en modernisant les chemins et "
        "l'irrigation et en reconquérant les surfaces en friche.",
        "Communes",
        "SDA",
        "Services techniques communaux ; Service de l'agriculture (SDA) ; bureaux d'ingénieurs "
        "en génie rural.",
        "Génie rural",
        (DURABLE,),
    ),
    MeasureSpec(
        "m7",
        1,
        "Adaptation aux changements climatiques",
        "Projet Liègne-Raspille",
        "o7",
        "Adapter la gestion de l'eau et des dangers naturels des bassins de la Liègne et de la "
        "Raspille aux changements climatiques.",
        "Communes",
        "Etat",
        "Services techniques communaux ; Service cantonal de l'environnement ; bureau "
        "d'hydrologie mandaté.",
        "Projet Liègne-Raspille mis en œuvre",
        (DURABLE,),
    ),
    MeasureSpec(
        "m8",
        1,
        "Adaptation aux changements climatiques",
        "Projet Lac de Chermignon",
        "o8",
        "Aménager le lac de Chermignon en réserve d'eau et en espace de détente adaptés à des étés "
        "plus chauds et plus secs.",
        "Communes",
        "Etat",
        "Service technique de Crans-Montana ; bureau d'ingénieurs ; Service cantonal des forêts, "
        "des cours d'eau et du paysage.",
        "Projet Lac de Chermignon mis en œuvre",
        (DURABLE,),
    ),
    MeasureSpec(
        "m9",
        1,
        "Transition énergétique",
        "Chaleur renouvelable",
        "o9",
        "Remplacer le chauffage fossile des bâtiments des centres par un réseau de chaleur à "
        "distance alimenté en énergies renouvelables.",
        "Communes",
        "",
        "Délégué intercommunal à l'énergie (0,5 EPT) ; bureau d'ingénieurs CVC.",
        "Chaleur",
        (ENERGIE, DURABLE),
    ),
    MeasureSpec(
        "m10",
        2,
        "Bois",
        "Valorisation du bois des forêts communales",
        "o10",
        "Intensifier la récolte et la valorisation locale du bois (construction, bois-énergie) "
        "dans le respect d'une gestion durable des forêts.",
        "Triage",
        "",
        "Triage forestier (garde forestier, six forestiers-bûcherons) ; plan de gestion des "
        "forêts.",
        "Récolte de bois intensifiée",
        (DURABLE, ENERGIE),
    ),
    MeasureSpec(
        "m11",
        2,
        "Energie (économies, énergies renouvelables)",
        "Production d'énergies renouvelables",
        "o11",
        "Augmenter la production locale d'énergies renouvelables (solaire, bois, chaleur "
        "ambiante) et réduire la consommation d'énergie fossile.",
        "Communes",
        "Fournisseurs",
        "Délégué intercommunal à l'énergie (0,5 EPT) ; fonds communal de l'énergie.",
        "Augmentation de la prod. d'énergies renouvelables",
        (ENERGIE, COMMUNICATION),
    ),
    MeasureSpec(
        "m12",
        2,
        "Eau",
        "Approvisionnement en eau potable sécurisé",
        "o12",
        "Sécuriser l'approvisionnement en eau potable des trois communes par l'interconnexion des "
        "réseaux et la réduction des pertes.",
        "Communes",
        "Etat, consortages d'irrigation",
        "Fontainiers communaux ; bureau d'ingénieurs ; plan directeur de l'eau.",
        "Réseaux d'eau potable interconnectés",
        (DURABLE,),
    ),
    MeasureSpec(
        "m13",
        3,
        "Hébergement (population, touristes)",
        "Logements pour la population à l'année et les saisonniers",
        "o13",
        "Mettre sur le marché des logements à loyer abordable pour que les familles et les "
        "travailleurs puissent habiter la région toute l'année.",
        "Communes",
        "Coopératives d'habitation, promoteurs privés, hôteliers",
        "Fonds intercommunal du logement ; terrains communaux en droit de superficie.",
        "Logements à loyer abordable réalisés",
        (DURABLE,),
    ),
    MeasureSpec(
        "m14",
        3,
        "Jeunesse (accueil petite enfance enseignement, formation, sport et loisirs)",
        "Accueil parascolaire intercommunal",
        "o14",
        "Offrir aux écoliers des trois communes un accueil parascolaire et des activités de "
        "loisirs coordonnés.",
        "Communes",
        "Écoles, associations sportives et culturelles",
        "Animateurs jeunesse (2 EPT) ; locaux scolaires.",
        "Accueil parascolaire intercommunal en fonction",
    ),
    MeasureSpec(
        "m15",
        3,
        "Services digitalisés",
        "Guichet virtuel intercommunal",
        "o15",
        "Rendre les principales prestations communales accessibles en ligne aux habitants, aux "
        "propriétaires de résidences secondaires et aux entreprises.",
        "Communes",
        "Canton du Valais (cyberadministration), prestataire informatique",
        "Responsable informatique intercommunal (0,5 EPT) ; licences logicielles.",
        "Prestations communales accessibles en ligne",
        (DIGITALISATION, COMMUNICATION),
    ),
    MeasureSpec(
        "m16",
        4,
        "Structures et fonctionnement (collaborations intercommunales et public-privé)",
        "Structures intercommunales renforcées",
        "o16",
        "Doter la région de structures de collaboration intercommunale et public-privé capables "
        "de porter les projets de rayonnement intercommunal.",
        "ACCM",
        "Communes, CMTC, CMA",
        "Secrétariat de l'Association des communes de Crans-Montana (1 EPT) ; commission "
        "économie et tourisme.",
        "Structures et conventions intercommunales adaptées",
        (COMMUNICATION,),
    ),
    MeasureSpec(
        "m17",
        4,
        "Digitalisation (gestion des données, services)",
        "Données territoriales partagées",
        "o17",
        "Mettre en commun les données territoriales des trois communes sur une plateforme unique "
        "et ouverte.",
        "Communes",
        "HES-SO Valais-Wallis, Canton du Valais",
        "Responsable informatique intercommunal ; appui de la HES-SO (mandat).",
        "Géoportail et données ouvertes intercommunaux",
        (DIGITALISATION,),
    ),
    MeasureSpec(
        "m18",
        4,
        "Communication",
        "Communication de la stratégie",
        "o18",
        "Informer chaque semestre la population et les partenaires de l'avancement de la SDI.",
        "ACCM",
        "Communes, CMTC",
        "Chargé de communication (0,3 EPT) ; budget d'impression.",
        "Plan de communication de la SDI appliqué",
        (COMMUNICATION, DIGITALISATION),
    ),
    MeasureSpec(
        "m19",
        4,
        "Promotion économique",
        "Promotion économique intercommunale",
        "o19",
        "Accompagner la création, l'implantation et la transmission d'entreprises dans la région "
        "par un interlocuteur unique.",
        "Communes",
        "Business Valais, Antenne régionale",
        "Délégué économique intercommunal (0,5 EPT).",
        "Guichet entreprises intercommunal ouvert",
    ),
)


@dataclass(frozen=True)
class FundingSpec:
    funder: str
    amount: Decimal
    secured: bool


@dataclass(frozen=True)
class ProjectSpec:
    code: str
    measure: str
    title: str
    description: str
    priority: int
    lead: str
    partners: str
    communes: tuple[str, ...]
    start_date: datetime.date | None
    end_date: datetime.date | None
    status: str
    progress: int | None
    budget_planned: Decimal | None
    budget_spent: Decimal | None
    budget_kind: str
    status_comment: str = ""
    themes: tuple[str, ...] = ()
    fundings: tuple[FundingSpec, ...] = ()


def projects(today: datetime.date) -> tuple[ProjectSpec, ...]:
    """The projects, dated relative to ``today`` so that the cockpit shows ✓, ! and ✗ on that day:
    p6 is late (ended 75 days ago), p3 blocked, p4 paused, p8 ends in 20 days at 35 %, p10 starts
    next year, p16 is abandoned."""

    def days(n: int) -> datetime.date:
        return today + datetime.timedelta(days=n)

    next_year = today.year + 1
    return (
        ProjectSpec(
            "p1",
            "m1",
            "Plan sectoriel de la mobilité",
            "Mise en œuvre du plan sectoriel : horaires coordonnés SMC – Car postal, parkings "
            "d'échange et itinéraires de mobilité douce entre les trois communes.",
            1,
            "Communes",
            "SMC, Car postal",
            ALL_COMMUNES,
            days(-730),
            days(485),
            "in_progress",
            45,
            D("420000"),
            D("180000"),
            "operating",
            themes=(DURABLE,),
            fundings=(
                FundingSpec("Communes", D("300000"), True),
                FundingSpec("Canton du Valais", D("120000"), False),
            ),
        ),
        ProjectSpec(
            "p2",
            "m2",
            "Centre de congrès Le Régent",
            "Rénovation et agrandissement du centre de congrès Le Régent.",
            1,
            "Commune de Crans-Montana",
            "CMTC",
            ("Crans-Montana",),
            days(-1800),
            days(-240),
            "done",
            100,
            D("19500000"),
            D("19850000"),
            "investment",
            status_comment="Inauguré ; léger dépassement dû au renchérissement des matériaux.",
            themes=(COMMUNICATION,),
            fundings=(
                FundingSpec("Communes", D("14500000"), True),
                FundingSpec("Confédération (NPR)", D("3000000"), True),
                FundingSpec("Canton du Valais", D("2000000"), True),
            ),
        ),
        ProjectSpec(
            "p3",
            "m3",
            "Aqualoisirs",
            "Centre aquatique intercommunal : bassins sportif et ludique, espace bien-être.",
            1,
            "Communes",
            "Sté d'exploitation",
            ALL_COMMUNES,
            days(-500),
            days(700),
            "blocked",
            15,
            D("38000000"),
            D("2100000"),
            "investment",
            status_comment="Recours contre l'autorisation de construire : travaux suspendus "
            "jusqu'à la décision du Tribunal cantonal.",
            themes=(DURABLE,),
            fundings=(
                FundingSpec("Communes", D("28000000"), True),
                FundingSpec("Confédération (NPR)", D("6000000"), False),
                FundingSpec("Canton du Valais", D("4000000"), False),
            ),
        ),
        ProjectSpec(
            "p4",
            "m4",
            "Infrastructures CMA",
            "Remplacement d'installations de remontées mécaniques et extension de l'enneigement "
            "technique.",
            2,
            "CMA",
            "Communes",
            ("Crans-Montana", "Lens"),
            days(-300),
            days(400),
            "paused",
            20,
            D("12000000"),
            D("1500000"),
            "investment",
            status_comment="En attente de la nouvelle convention entre CMA et les communes.",
        ),
        ProjectSpec(
            "p5",
            "m5",
            "Crèche",
            "Crèche intercommunale de 44 places.",
            1,
            "Communes",
            "",
            ALL_COMMUNES,
            days(-1100),
            days(-420),
            "done",
            100,
            D("3200000"),
            D("3050000"),
            "investment",
            fundings=(
                FundingSpec("Communes", D("2600000"), True),
                FundingSpec("Confédération (aides à l'accueil extrafamilial)", D("600000"), True),
            ),
        ),
        ProjectSpec(
            "p6",
            "m6",
            "Chemins",
            "Réfection et stabilisation des chemins agricoles d'accès aux alpages.",
            2,
            "Communes",
            "SDA",
            ("Icogne", "Lens"),
            days(-640),
            days(-75),
            "in_progress",
            80,
            D("1800000"),
            D("1420000"),
            "investment",
            status_comment="Dernier tronçon retardé par les intempéries du printemps.",
            fundings=(
                FundingSpec("Canton du Valais", D("630000"), True),
                FundingSpec("Confédération (OFAG)", D("540000"), True),
                FundingSpec("Communes", D("630000"), True),
            ),
        ),
        ProjectSpec(
            "p7",
            "m6",
            "Irrigation",
            "Modernisation des réseaux d'irrigation (aspersion) des vignes et des prairies.",
            2,
            "Communes",
            "SDA, consortages",
            ("Crans-Montana", "Lens"),
            days(-400),
            days(540),
            "in_progress",
            35,
            D("2500000"),
            D("700000"),
            "investment",
            themes=(DURABLE,),
            fundings=(
                FundingSpec("Canton du Valais", D("875000"), True),
                FundingSpec("Confédération (OFAG)", D("750000"), False),
            ),
        ),
        ProjectSpec(
            "p8",
            "m6",
            "Lutte contre les friches",
            "Débroussaillage et remise en exploitation de parcelles abandonnées.",
            3,
            "Communes",
            "SDA, exploitants agricoles",
            ("Icogne", "Lens"),
            days(-340),
            days(20),
            "in_progress",
            35,
            D("240000"),
            D("90000"),
            "operating",
            status_comment="Les parcelles de Lens restent à débroussailler avant l'hiver.",
        ),
        ProjectSpec(
            "p9",
            "m7",
            "Projet Liègne-Raspille",
            "Aménagements hydrauliques et protection contre les crues dans les bassins de la "
            "Liègne et de la Raspille.",
            1,
            "Communes",
            "Etat",
            ALL_COMMUNES,
            days(-200),
            days(800),
            "in_progress",
            25,
            D("1200000"),
            D("260000"),
            "investment",
            themes=(DURABLE,),
            fundings=(
                FundingSpec("Canton du Valais", D("480000"), True),
                FundingSpec("Confédération (OFEV)", D("360000"), False),
            ),
        ),
        ProjectSpec(
            "p10",
            "m8",
            "Projet Lac de Chermignon",
            "Réserve d'eau, renaturation des berges et aménagements de détente.",
            3,
            "Commune de Crans-Montana",
            "Etat",
            ("Crans-Montana",),
            datetime.date(next_year, 4, 1),
            datetime.date(next_year + 1, 10, 31),
            "planned",
            0,
            D("900000"),
            None,
            "investment",
            themes=(DURABLE,),
        ),
        ProjectSpec(
            "p11",
            "m9",
            "Chauffage à distance",
            "Réseau de chaleur à distance au bois et à la chaleur ambiante pour les centres de "
            "Crans et de Montana.",
            1,
            "Communes",
            "Fournisseur d'énergie régional",
            ("Crans-Montana", "Lens"),
            days(-450),
            days(900),
            "in_progress",
            30,
            D("12500000"),
            D("3100000"),
            "investment",
            themes=(ENERGIE, DURABLE),
            fundings=(
                FundingSpec("Communes", D("6000000"), True),
                FundingSpec("Canton du Valais", D("1500000"), True),
                FundingSpec("Confédération (NPR)", D("1000000"), False),
            ),
        ),
        ProjectSpec(
            "p12",
            "m10",
            "Récolte de bois intensifiée",
            "Augmentation des coupes et création d'une place de stockage de bois-énergie.",
            2,
            "Triage",
            "Communes",
            ALL_COMMUNES,
            days(-900),
            days(760),
            "in_progress",
            60,
            D("450000"),
            D("260000"),
            "operating",
            themes=(ENERGIE,),
        ),
        ProjectSpec(
            "p13",
            "m11",
            "Subventionnement",
            "Programme intercommunal de subventions aux installations solaires, pompes à chaleur "
            "et assainissements énergétiques des bâtiments privés.",
            1,
            "Communes",
            "Fournisseurs",
            ALL_COMMUNES,
            days(-1000),
            days(760),
            "in_progress",
            55,
            D("600000"),
            D("330000"),
            "operating",
            themes=(ENERGIE, COMMUNICATION),
            fundings=(
                FundingSpec("Communes", D("450000"), True),
                FundingSpec("Canton du Valais", D("150000"), True),
            ),
        ),
        ProjectSpec(
            "p14",
            "m12",
            "Interconnexion des réseaux d'eau potable",
            "Conduites de liaison entre les réseaux des trois communes et télégestion des "
            "réservoirs.",
            2,
            "Communes",
            "Etat",
            ALL_COMMUNES,
            days(-120),
            days(1000),
            "in_progress",
            10,
            D("3400000"),
            D("150000"),
            "investment",
            themes=(DURABLE,),
        ),
        ProjectSpec(
            "p15",
            "m13",
            "Immeuble de logements à loyer abordable",
            "Trente logements à loyer abordable en droit de superficie sur un terrain communal.",
            1,
            "Commune de Crans-Montana",
            "Coopérative d'habitation",
            ("Crans-Montana",),
            days(-260),
            days(640),
            "in_progress",
            20,
            D("8600000"),
            D("900000"),
            "investment",
            themes=(DURABLE,),
            fundings=(
                FundingSpec("Communes", D("1600000"), True),
                FundingSpec(
                    "Coopérative d'habitation (fonds propres et emprunt)", D("7000000"), True
                ),
            ),
        ),
        ProjectSpec(
            "p16",
            "m13",
            "Résidence pour saisonniers",
            "Résidence de 60 studios pour le personnel saisonnier.",
            3,
            "Communes",
            "Hôteliers",
            ("Crans-Montana", "Lens"),
            days(-700),
            days(300),
            "abandoned",
            5,
            D("5200000"),
            D("45000"),
            "investment",
            status_comment="Abandonné : besoins couverts par l'immeuble de logements abordables "
            "et les offres des hôteliers.",
        ),
        ProjectSpec(
            "p17",
            "m14",
            "Unité d'accueil pour écoliers (UAPE)",
            "Accueil de midi et d'après-école pour les écoliers des trois communes.",
            2,
            "Communes",
            "Écoles",
            ALL_COMMUNES,
            days(-900),
            days(-300),
            "done",
            100,
            D("650000"),
            D("610000"),
            "investment",
        ),
        ProjectSpec(
            "p18",
            "m15",
            "Guichet virtuel intercommunal",
            "Demandes d'attestations, annonces d'arrivée et de départ, taxes de séjour en ligne.",
            1,
            "Communes",
            "Canton du Valais, prestataire informatique",
            ALL_COMMUNES,
            days(-330),
            days(420),
            "in_progress",
            40,
            D("380000"),
            D("150000"),
            "investment",
            themes=(DIGITALISATION,),
        ),
        ProjectSpec(
            "p19",
            "m15",
            "Application mobile des usagers",
            "Informations pratiques, déchetterie, horaires et alertes pour habitants et hôtes.",
            3,
            "Communes",
            "CMTC",
            ALL_COMMUNES,
            days(-60),
            days(600),
            "in_progress",
            5,
            D("150000"),
            D("10000"),
            "investment",
            themes=(DIGITALISATION, COMMUNICATION),
        ),
        ProjectSpec(
            "p20",
            "m16",
            "Révision des statuts de l'ACCM",
            "Nouveaux statuts de l'Association des communes de Crans-Montana.",
            1,
            "ACCM",
            "Communes",
            ALL_COMMUNES,
            days(-800),
            days(-500),
            "done",
            100,
            D("60000"),
            D("52000"),
            "operating",
        ),
        ProjectSpec(
            "p21",
            "m16",
            "Convention de partenariat public-privé",
            "Convention de collaboration entre les communes, le CMTC et CMA.",
            2,
            "ACCM",
            "CMTC, CMA",
            ALL_COMMUNES,
            days(-150),
            days(380),
            "in_progress",
            30,
            D("80000"),
            D("20000"),
            "operating",
            themes=(COMMUNICATION,),
        ),
        ProjectSpec(
            "p22",
            "m17",
            "Géoportail intercommunal",
            "Plateforme commune des données territoriales (cadastre, aménagement, réseaux).",
            2,
            "Communes",
            "HES-SO Valais-Wallis",
            ALL_COMMUNES,
            days(-500),
            days(450),
            "in_progress",
            50,
            D("240000"),
            D("110000"),
            "investment",
            themes=(DIGITALISATION,),
            fundings=(
                FundingSpec("Communes", D("160000"), True),
                FundingSpec("Confédération (NPR)", D("80000"), True),
            ),
        ),
        ProjectSpec(
            "p23",
            "m18",
            "Lettre d'information de la SDI",
            "Lettre semestrielle et page web de suivi de la stratégie.",
            3,
            "ACCM",
            "Communes",
            ALL_COMMUNES,
            days(-700),
            days(730),
            "in_progress",
            60,
            D("45000"),
            D("27000"),
            "operating",
            themes=(COMMUNICATION,),
        ),
        ProjectSpec(
            "p24",
            "m19",
            "Guichet entreprises intercommunal",
            "Interlocuteur unique pour la création, l'implantation et la transmission "
            "d'entreprises.",
            2,
            "Communes",
            "Business Valais",
            ALL_COMMUNES,
            days(-90),
            days(500),
            "in_progress",
            15,
            D("150000"),
            D("20000"),
            "operating",
        ),
    )


@dataclass(frozen=True)
class Pace:
    """A value set from the expected progress: ``factor`` × the expected share of the way (capped
    at 99 %, so that it never reaches the target), at the value's date for a yearly value and on
    the load day for the latest one. 1.02 is on track, 0.8 a warning, 0.4 off track."""

    factor: Decimal


ON_TRACK = Pace(D("1.02"))
WARNING = Pace(D("0.8"))
OFF_TRACK = Pace(D("0.4"))


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    unit: str
    source: str
    frequency: str
    axis: int | None = None
    measure: str | None = None
    description: str = ""
    direction: str = "increase"
    baseline_value: Decimal | None = None
    baseline_date: datetime.date | None = None
    target_value: Decimal | None = None
    target_date: datetime.date | None = None
    range_min: Decimal | None = None
    range_max: Decimal | None = None
    #: Values at the last year-ends (31.12), oldest first, then the latest one (about a month
    #: before the load day); each a number or a Pace.
    history: tuple[Decimal | Pace, ...] = ()
    latest: Decimal | Pace | None = None
    latest_comment: str = ""
    decimals: int = 0


def indicators(today: datetime.date) -> tuple[IndicatorSpec, ...]:
    """Eight strategic indicators (s1–s8) and two operational ones (i1, i2). On ``today``: s1 is
    achieved, s2 and i2 warning, s3, s5, s6 and i1 on track, s4 and s8 off track, s7 has no data."""
    end_2019 = datetime.date(2019, 12, 31)
    return (
        IndicatorSpec(
            "s1",
            "Infrastructures et équipements modernisés ou adaptés",
            "équipements",
            "Services techniques communaux",
            "yearly",
            axis=1,
            description="Équipements publics de rayonnement intercommunal modernisés ou adaptés "
            "aux objectifs de la SDI depuis 2020 (cumul).",
            target_value=D("30"),
            history=(D("8"), D("17"), D("24")),
            latest=D("30"),
            latest_comment="Cible atteinte avec la mise en service du centre de congrès.",
        ),
        IndicatorSpec(
            "s2",
            "Places d'accueil de la petite enfance créées",
            "places",
            "Service intercommunal de la petite enfance",
            "half_yearly",
            axis=1,
            description="Nouvelles places d'accueil extrafamilial créées depuis 2020 (cumul).",
            target_value=D("100"),
            target_date=today + datetime.timedelta(days=60),
            history=(D("24"), D("48")),
            latest=D("70"),
            latest_comment="Ouverture de la crèche intercommunale ; l'extension prévue n'a pas "
            "encore commencé.",
        ),
        IndicatorSpec(
            "s3",
            "Consommation d'énergie fossile des bâtiments communaux",
            "MWh/an",
            "Comptabilité énergétique des communes",
            "yearly",
            axis=2,
            direction="decrease",
            baseline_value=D("4200"),
            baseline_date=end_2019,
            target_value=D("2800"),
            history=(ON_TRACK, ON_TRACK, ON_TRACK),
            latest=ON_TRACK,
        ),
        IndicatorSpec(
            "s4",
            "Volume de bois récolté dans les forêts communales",
            "m³/an",
            "Triage forestier",
            "yearly",
            axis=2,
            baseline_value=D("9000"),
            baseline_date=end_2019,
            target_value=D("14000"),
            history=(OFF_TRACK, OFF_TRACK),
            latest=OFF_TRACK,
            latest_comment="Coupes limitées par le manque de main-d'œuvre et les prix du bois.",
        ),
        IndicatorSpec(
            "s5",
            "Taux de logements vacants",
            "%",
            "Office cantonal de statistique (dénombrement au 1er juin)",
            "yearly",
            axis=3,
            description="À maintenir entre 1 et 2 % : assez de logements libres pour accueillir "
            "de nouveaux habitants, sans surabondance.",
            direction="range",
            baseline_value=D("0.6"),
            baseline_date=end_2019,
            range_min=D("1"),
            range_max=D("2"),
            history=(D("0.7"), D("0.9"), D("1.2")),
            latest=D("1.4"),
            decimals=1,
        ),
        IndicatorSpec(
            "s6",
            "Nuitées hôtelières",
            "nuitées/an",
            "Office fédéral de la statistique (HESTA)",
            "yearly",
            axis=3,
            baseline_value=D("640000"),
            baseline_date=end_2019,
            target_value=D("720000"),
            history=(ON_TRACK, ON_TRACK, ON_TRACK),
            latest=ON_TRACK,
        ),
        IndicatorSpec(
            "s7",
            "Prestations communales accessibles en ligne",
            "prestations",
            "Guichet virtuel intercommunal",
            "yearly",
            axis=4,
            description="Mesuré dès la mise en service du guichet virtuel.",
            baseline_value=D("4"),
            baseline_date=end_2019,
            target_value=D("40"),
        ),
        IndicatorSpec(
            "s8",
            "Conventions de collaboration intercommunale ou public-privé en vigueur",
            "conventions",
            "Secrétariat de l'ACCM",
            "irregular",
            axis=4,
            baseline_value=D("3"),
            baseline_date=end_2019,
            target_value=D("10"),
            history=(D("4"), D("5")),
            latest=OFF_TRACK,
        ),
        IndicatorSpec(
            "i1",
            "Bâtiments raccordés au chauffage à distance",
            "bâtiments",
            "Exploitant du réseau de chaleur",
            "half_yearly",
            measure="m9",
            baseline_value=D("0"),
            baseline_date=datetime.date(2022, 12, 31),
            target_value=D("150"),
            history=(ON_TRACK, ON_TRACK),
            latest=ON_TRACK,
        ),
        IndicatorSpec(
            "i2",
            "Puissance photovoltaïque installée",
            "kWc",
            "Gestionnaire du réseau électrique",
            "yearly",
            measure="m11",
            baseline_value=D("3500"),
            baseline_date=end_2019,
            target_value=D("9000"),
            history=(WARNING, WARNING, WARNING),
            latest=WARNING,
        ),
    )


@dataclass(frozen=True)
class DecisionSpec:
    text: str
    owner: str
    due_date: datetime.date | None
    status: str = "open"
    closed_on: datetime.date | None = None
    project: str = ""  # a project code
    measure: str = ""  # a measure code
    axis: int | None = None  # an axis number


@dataclass(frozen=True)
class WorkshopSpec:
    number: int
    title: str
    date: datetime.date
    place: str
    agenda: tuple[str, ...]
    participants: tuple[str, ...] = ()
    excused: tuple[str, ...] = ()
    minutes: str = ""
    decisions: tuple[DecisionSpec, ...] = ()


#: The seed's workshop (atelier 3) is held this many days before the load day; the secretariat
#: entered the strategy this many days before that workshop.
WORKSHOP_HELD_DAYS = 60
SET_UP_DAYS_BEFORE_WORKSHOP = 30


def held_day(today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=WORKSHOP_HELD_DAYS)


@dataclass(frozen=True)
class ProjectStory:
    """What happened to a demo project after the seed's workshop, ``days`` after it: it was
    created then (``before`` empty), or it changed then from the ``before`` fields to its spec."""

    days: int
    before: dict = field(default_factory=dict)


def project_stories(today: datetime.date) -> dict[str, ProjectStory]:
    """Since atelier 3: two projects proposed there were entered, the pool project (p3) became
    blocked, p4 was paused, p11 moved to priority 1 and the end of p8 was postponed; so the next
    workshop has something to review, read from the history like any real change."""
    return {
        "p11": ProjectStory(7, {"priority": 2}),
        "p19": ProjectStory(12),
        "p4": ProjectStory(15, {"status": "in_progress", "status_comment": ""}),
        "p24": ProjectStory(18),
        "p3": ProjectStory(25, {"status": "in_progress", "status_comment": ""}),
        "p8": ProjectStory(30, {"end_date": today - datetime.timedelta(days=25)}),
    }


def workshops(today: datetime.date) -> tuple[WorkshopSpec, ...]:
    """The workshop of the seed (atelier 3, its agenda, who came and who was excused), held 60
    days before ``today``, and the next one in 20 days. Of atelier 3's decisions one is done, one
    abandoned, one open and overdue (p3) and one open and due soon."""
    held = held_day(today)
    return (
        WorkshopSpec(
            number=3,
            title="Vision, objectifs, réalisations (partenaires)",
            date=held,
            place="Crans-Montana",
            agenda=(
                "PV de l'atelier 2 à Martelles",
                "Système d'objectifs",
                "Propositions de réalisations de rayonnement intercommunal 2028 "
                "(travail en groupes)",
                "Suite des opérations",
                "Divers",
                "Moment convivial",
            ),
            participants=(
                "Joseph Bonvin",
                "Prof. Antoine Bailly (nouveau membre de la commission)",
                "François Parvex, SEREC Sàrl",
            ),
            excused=("Dr. Serge Imboden, HES-SO Sierre", "Dr. Vincent Grèzes, HES-SO Sierre"),
            minutes=(
                "Le PV de l'atelier 2 est accepté sans modification.\n"
                "Le système d'objectifs est présenté puis discuté en plénum ; les amendements "
                "proposés seront intégrés par le mandataire.\n"
                "Les groupes proposent des réalisations de rayonnement intercommunal 2028, "
                "reprises dans le modèle d'efficacité."
            ),
            decisions=(
                DecisionSpec(
                    "Intégrer au système d'objectifs les amendements discutés en plénum.",
                    "SEREC Sàrl",
                    held + datetime.timedelta(days=30),
                    status="done",
                    closed_on=held + datetime.timedelta(days=25),
                ),
                DecisionSpec(
                    "Chiffrer une variante réduite du projet Aqualoisirs.",
                    "Commune de Crans-Montana",
                    today - datetime.timedelta(days=10),
                    project="p3",
                ),
                DecisionSpec(
                    "Préciser l'objectif opérationnel de la mesure m1 avec les transports publics.",
                    "Commission économie et tourisme",
                    today + datetime.timedelta(days=15),
                    measure="m1",
                ),
                DecisionSpec(
                    "Étudier un second centre de congrès.",
                    "Commission économie et tourisme",
                    None,
                    status="abandoned",
                    closed_on=held + datetime.timedelta(days=40),
                    axis=3,
                ),
            ),
        ),
        WorkshopSpec(
            number=4,
            title="Plan d'actions et suivi (partenaires)",
            date=today + datetime.timedelta(days=20),
            place="Lens",
            agenda=(
                "PV de l'atelier 3",
                "Suivi des décisions",
                "Cockpit : projets et indicateurs depuis l'atelier 3",
                "Plan d'actions 2028",
                "Divers",
            ),
        ),
    )


# --- Proposals, criteria and scores -------------------------------------------------------------
# Atelier 3 ran group work per axis ("Qu'avons-nous réalisé de concret depuis 2020 ... ?") plus a
# "Joker" for other domains, then a "ratissage des propositions". These are its proposals, triaged
# the ways the secretariat triages: still new, retained (project to create), merged into an
# existing project, set aside with a reason. The criteria are the five ELIRE dimensions of seed
# 003 (weights chosen by the commission); the scores make a ranking with a tie (p11 and p12) and
# priority/score disagreements (p19: priority 3 in the top third; p5 and p20: priority 1 in the
# bottom third); the last projects are not scored yet.

#: The workshop where the proposals were made.
PROPOSALS_WORKSHOP = 3


@dataclass(frozen=True)
class ProposalSpec:
    title: str
    description: str
    proposed_by: str
    axis: int | None  # None: "Joker"
    communes: tuple[str, ...]
    status: str = "new"
    reason: str = ""
    merged_into_project: str = ""  # a project code


PROPOSALS = (
    ProposalSpec(
        "Navette intercommunale en soirée",
        "Relier Crans-Montana, Icogne et Lens le soir et le week-end, en complément des horaires "
        "coordonnés SMC – Car postal.",
        "Groupe 1",
        1,
        ALL_COMMUNES,
    ),
    ProposalSpec(
        "Parkings d'échange à l'entrée du Haut-Plateau",
        "Laisser la voiture en bas et monter en transports publics.",
        "Groupe 1",
        1,
        ("Crans-Montana", "Lens"),
        status="merged",
        reason="Déjà prévu dans le plan sectoriel de la mobilité.",
        merged_into_project="p1",
    ),
    ProposalSpec(
        "Réseau de chaleur au bois des forêts communales",
        "Valoriser le bois des triages dans un réseau de chauffage à distance partagé.",
        "Groupe 2",
        2,
        ("Crans-Montana", "Lens"),
        status="retained",
        reason="Retenue par la commission ; la mesure reste à choisir (m9 ou m10).",
    ),
    ProposalSpec(
        "Centrales solaires sur les toits des bâtiments communaux",
        "Inventaire des toits, puis installations en financement participatif.",
        "Groupe 2",
        2,
        ALL_COMMUNES,
    ),
    ProposalSpec(
        "Carte d'hôte intercommunale pour les résidents secondaires",
        "Une carte donnant accès aux transports et aux équipements des trois communes.",
        "Groupe 3",
        3,
        ALL_COMMUNES,
        status="retained",
        reason="Retenue ; à rattacher à une mesure de l'axe 3.",
    ),
    ProposalSpec(
        "Marché de producteurs du Haut-Plateau",
        "Un marché hebdomadaire des produits de l'agriculture locale, en saison.",
        "Groupe 3",
        3,
        ("Icogne", "Lens"),
    ),
    ProposalSpec(
        "Observatoire territorial partagé des trois communes",
        "Réunir les données et les études des communes dans un système d'information territorial.",
        "Groupe 4",
        4,
        ALL_COMMUNES,
        status="merged",
        reason="Le géoportail intercommunal réunira ces données.",
        merged_into_project="p22",
    ),
    ProposalSpec(
        "Label « Commune en santé » pour les trois communes",
        "Diversification santé : promotion de l'activité physique et de la prévention.",
        "Groupe 5 (Joker)",
        None,
        ALL_COMMUNES,
    ),
    ProposalSpec(
        "Fête intercommunale annuelle",
        "Une fête commune des trois communes, à tour de rôle.",
        "Groupe 5 (Joker)",
        None,
        ALL_COMMUNES,
        status="set_aside",
        reason="Relève des sociétés locales, pas de la SDI ; transmise aux communes.",
    ),
)

#: The ELIRE criteria (names as in ``projects.models.CRITERIA_TEMPLATES``) and their weights.
CRITERIA = (
    ("Emploi", D(2)),
    ("Lien social", D(1)),
    ("Image", D(1)),
    ("Retour économique sur investissement", D(2)),
    ("Environnement", D(2)),
)

#: Scores in the order of ``CRITERIA`` (None: not scored yet), by project code or proposal title.
SCORES: dict[str, tuple[int | None, ...]] = {
    "p19": (3, 2, 3, 3, 2),
    "p24": (3, 1, 2, 3, None),
    "p1": (2, 3, 2, 2, 3),
    "p11": (2, 0, 2, 3, 3),
    "p12": (3, 1, 1, 2, 3),
    "Réseau de chaleur au bois des forêts communales": (2, 1, 2, 3, None),
    "p15": (2, 3, 2, 2, 2),
    "p3": (3, 3, 3, 1, 1),
    "p13": (2, 0, 1, 2, 3),
    "p10": (1, 2, 2, 1, 3),
    "p18": (1, 2, 2, 2, None),
    "Carte d'hôte intercommunale pour les résidents secondaires": (2, 2, 3, 2, 0),
    "p22": (1, 2, 2, 2, 1),
    "p14": (1, 0, 1, 2, 2),
    "p5": (2, 3, 1, 1, 0),
    "p20": (0, 1, 1, 0, 0),
    "Navette intercommunale en soirée": (1, 3, 1, 1, 3),
    "Centrales solaires sur les toits des bâtiments communaux": (1, 0, 1, 2, None),
}

#: Comments on some scores: (target, criterion) → comment.
SCORE_COMMENTS = {
    ("p3", "Retour économique sur investissement"): (
        "Coûts d'exploitation élevés : variante réduite à chiffrer."
    ),
    ("p20", "Emploi"): "Effet indirect seulement.",
    ("p19", "Image"): "Très visible pour les hôtes.",
}


#: The group of the secretariat: every permission on the models of these apps (view only on their
#: history).
SECRETARIAT_GROUP = "Secrétariat"
EDITABLE_APPS = ("strategies", "projects", "indicators", "workshops", "prioritisation", "rounds")
DEFAULT_PASSWORD = "demo"


@dataclass(frozen=True)
class AccountSpec:
    username: str
    label: str
    role: str
    role_label: str
    is_staff: bool
    first_name: str
    last_name: str
    groups: tuple[str, ...] = ()


ACCOUNTS = (
    AccountSpec(
        "secretariat",
        "secrétariat",
        "editor",
        "édition",
        True,
        "Secrétariat",
        "SDI",
        (SECRETARIAT_GROUP,),
    ),
    AccountSpec(
        "commission", "commission", "viewer", "lecture", False, "Membre", "de la commission"
    ),
)
