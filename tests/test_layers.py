"""The layers of the apps, as ``.importlinter`` declares them (README: "Where things live").

import-linter checks the imports; these tests run it and check what it cannot see: a model's
relation named by a string (``ForeignKey("prioritisation.Proposal")``), including the history
models of django-simple-history and the through models of many-to-many fields, the dotted paths
of the settings, and the modules our code reaches by name (``import_string``, ``import_module``,
``apps.get_model``). One definition of the layers: the contract's, read from ``.importlinter``.
"""

from __future__ import annotations

import ast
import configparser
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.admin.apps import SimpleAdminConfig
from django.db import models
from django.test.utils import isolate_apps
from django.utils.module_loading import import_string

REPO = Path(settings.BASE_DIR)
CONTRACT = REPO / ".importlinter"


@dataclass(frozen=True)
class Layers:
    """The contract's layers, top first; apps of one layer are independent when written with
    ``|`` (import-linter's syntax; ``:`` would let them import each other)."""

    rows: tuple[tuple[str, ...], ...]
    independent: tuple[bool, ...]

    @classmethod
    def read(cls, path: Path = CONTRACT) -> Layers:
        config = configparser.ConfigParser()
        config.read(path, encoding="utf-8")
        contracts = [
            section
            for name, section in config.items()
            if name.startswith("importlinter:contract:") and section.get("type") == "layers"
        ]
        assert len(contracts) == 1, f"{path.name} should hold one layers contract"
        rows, independent = [], []
        for line in contracts[0]["layers"].strip().splitlines():
            line = line.strip()
            rows.append(tuple(name.strip(" ()") for name in re.split(r"[|:]", line)))
            independent.append(":" not in line)
        return cls(tuple(rows), tuple(independent))

    @property
    def packages(self) -> set[str]:
        return {name for row in self.rows for name in row}

    def level(self, package: str) -> int | None:
        """0 for the top layer; None for a package outside the contract (Django, a library)."""
        return next((i for i, row in enumerate(self.rows) if package in row), None)

    def may_depend(self, importer: str, imported: str) -> bool:
        """Whether module ``importer`` may depend on module ``imported`` (dotted names)."""
        source, target = importer.split(".")[0], imported.split(".")[0]
        high, low = self.level(source), self.level(target)
        if source == target or high is None or low is None:
            return True
        if high == low:
            return not self.independent[high]
        return low > high


LAYERS = Layers.read()


def package_of(model: type[models.Model]) -> str:
    """The root package of a model's app (a history or through model belongs to its model's app);
    looked up by app label in the project's registry, so models of an isolated registry count as
    the app their label names."""
    return django_apps.get_app_config(model._meta.app_label).name.split(".")[0]


@dataclass(frozen=True)
class Relation:
    model: type[models.Model]
    field: str
    target: type[models.Model]

    def __str__(self) -> str:
        return (
            f"{self.model._meta.label}.{self.field} ({package_of(self.model)}) → "
            f"{self.target._meta.label} ({package_of(self.target)})"
        )


def relations(all_models: Iterable[type[models.Model]]) -> Iterator[Relation]:
    """Every relation a model declares: foreign keys, one-to-one and many-to-many fields, and the
    through model of each many-to-many field (reverse relations are the other side's)."""
    for model in all_models:
        for field in model._meta.get_fields(include_hidden=True):
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            yield Relation(model, field.name, field.related_model)
            if field.many_to_many:
                yield Relation(model, f"{field.name} (through)", field.remote_field.through)


def upward_relations(all_models: Iterable[type[models.Model]], layers: Layers) -> list[str]:
    return [
        str(relation)
        for relation in relations(all_models)
        if not layers.may_depend(package_of(relation.model), package_of(relation.target))
    ]


# --- import-linter ----------------------------------------------------------------------------


def test_every_app_of_ours_has_its_layer():
    ours = {
        config.name.split(".")[0]
        for config in django_apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(REPO)
        # Libraries in a virtualenv inside the checkout (.venv, .venv-3.13) are not ours.
        and "site-packages" not in Path(config.path).resolve().parts
    }
    config = configparser.ConfigParser()
    config.read(CONTRACT, encoding="utf-8")
    roots = set(config["importlinter"]["root_packages"].split())

    assert ours <= LAYERS.packages, f"apps without a layer in {CONTRACT.name}"
    assert roots == LAYERS.packages


def test_the_import_contract_is_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    assert lint_imports.exists(), "import-linter is not installed (pip install import-linter)"

    result = subprocess.run(
        [str(lint_imports), "--no-cache", str(CONTRACT)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


# --- relations between models -----------------------------------------------------------------


def test_no_relation_points_up_a_layer_or_across_to_a_sibling():
    all_models = django_apps.get_models(include_auto_created=True)
    checked = {str(relation) for relation in relations(all_models)}
    # The walk sees history models, their foreign keys and the through models.
    assert any("HistoricalProposal.project " in relation for relation in checked)
    assert any("Proposal.communes (through)" in relation for relation in checked)
    assert any(relation.startswith("prioritisation.Proposal_communes.") for relation in checked)

    assert upward_relations(all_models, LAYERS) == []


def test_a_relation_up_or_across_is_found():
    with isolate_apps():

        class Fake(models.Model):
            class Meta:
                abstract = True

            def __str__(self) -> str:
                return f"{type(self).__name__} {self.pk}"

        class Commune(Fake):
            class Meta:
                app_label = "strategies"

        class Indicator(Fake):
            class Meta:
                app_label = "indicators"

        class Project(Fake):
            proposal = models.ForeignKey("prioritisation.Proposal", models.CASCADE)
            indicator = models.OneToOneField(Indicator, models.CASCADE)
            communes = models.ManyToManyField(Commune, through="prioritisation.Concerns")

            class Meta:
                app_label = "projects"

        class Proposal(Fake):
            project = models.ForeignKey(Project, models.CASCADE)
            communes = models.ManyToManyField(Commune)

            class Meta:
                app_label = "prioritisation"

        class Concerns(Fake):
            project = models.ForeignKey(Project, models.CASCADE)
            commune = models.ForeignKey(Commune, models.CASCADE)

            class Meta:
                app_label = "prioritisation"

        found = upward_relations(
            [Commune, Indicator, Project, Proposal, Concerns, Proposal.communes.through], LAYERS
        )

    assert sorted(found) == [
        "projects.Project.communes (through) (projects) → prioritisation.Concerns (prioritisation)",
        "projects.Project.indicator (projects) → indicators.Indicator (indicators)",
        "projects.Project.proposal (projects) → prioritisation.Proposal (prioritisation)",
    ]


def test_the_layers_read_from_the_contract():
    assert LAYERS.rows[0] == ("bench",)
    assert LAYERS.rows[-1] == ("spreadsheets", "jobs")
    assert LAYERS.may_depend("prioritisation.models", "projects.models")
    assert LAYERS.may_depend("projects.admin", "projects.models")
    assert LAYERS.may_depend("strategies.models", "django.contrib.auth.models")
    assert not LAYERS.may_depend("strategies.models", "projects.models")
    assert not LAYERS.may_depend("projects.models", "indicators.models")
    assert not LAYERS.may_depend("reports.pack", "demo.data")


# --- modules named in settings or reached by name ---------------------------------------------

OUR_PACKAGES = "|".join(re.escape(name) for name in sorted(LAYERS.packages))
OUR_DOTTED_PATH = re.compile(rf"^(?:{OUR_PACKAGES})(?:\.\w+)+$")


def strings_in(value) -> Iterator[str]:
    """The plain strings in a setting's value, however nested (lazy objects left out)."""
    if type(value) is str:
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from strings_in(item)


def resolve(dotted_path: str) -> object:
    """The module or the module's attribute the dotted path names; ImportError otherwise."""
    try:
        return import_module(dotted_path)
    except ImportError:
        return import_string(dotted_path)


def dotted_paths_of_settings() -> dict[str, str]:
    """{dotted path: setting} for every string of the settings that names a module of ours."""
    return {
        value: name
        for name in dir(settings)
        if name.isupper()
        for value in strings_in(getattr(settings, name))
        if OUR_DOTTED_PATH.match(value)
    }


def test_the_dotted_paths_of_the_settings_resolve():
    paths = dotted_paths_of_settings()
    assert {
        "cockpit.auth_backends.WebLoginAxesBackend": "AUTHENTICATION_BACKENDS",
        "cockpit.views.errors.csrf_failure": "CSRF_FAILURE_VIEW",
        "cockpit.views.errors.locked_out": "AXES_LOCKOUT_CALLABLE",
        "steering.templatetags.cockpit_extras": "TEMPLATES",
        "cockpit.formats": "FORMAT_MODULE_PATH",
        "strategies.admin_site.CockpitAdminConfig": "INSTALLED_APPS",
    }.items() <= paths.items()

    unresolved = []
    for path, name in paths.items():
        try:
            resolve(path)
        except ImportError as error:
            unresolved.append(f"{name}: {path} ({error})")
    for language, _name in settings.LANGUAGES:
        for package in settings.FORMAT_MODULE_PATH:
            try:
                import_module(f"{package}.{language}.formats")
            except ImportError as error:
                unresolved.append(f"FORMAT_MODULE_PATH: {package}.{language}.formats ({error})")
    assert unresolved == []


def test_the_admin_site_of_the_admin_app_resolves_at_or_below_its_app():
    configs = [
        config for config in django_apps.get_app_configs() if isinstance(config, SimpleAdminConfig)
    ]
    assert [type(config).__module__ for config in configs] == ["strategies.admin_site"]
    for config in configs:
        site = import_string(config.default_site)
        assert LAYERS.may_depend(type(config).__module__, site.__module__)


# Calls that reach a module, or an app's models, by a name rather than an import.
IMPORTERS_BY_NAME = {"import_string", "import_module", "__import__"}
APPS_BY_LABEL = {"get_model", "get_app_config"}


@dataclass(frozen=True)
class NamedReach:
    module: str  # the calling module
    line: int
    call: str
    target: str | None  # a dotted module path or an app label; None when it cannot be told


def called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def constant_string(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def setting_read(node: ast.AST) -> str | None:
    """``settings.NAME`` or ``getattr(settings, "NAME"...)``: the setting's name."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "settings"
    ):
        return node.attr
    if (
        isinstance(node, ast.Call)
        and called_name(node) == "getattr"
        and len(node.args) >= 2
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id == "settings"
    ):
        return constant_string(node.args[1])
    return None


def reaches_by_name(module: str, source: str) -> Iterator[NamedReach]:
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = called_name(node)
        first = node.args[0]
        if name in IMPORTERS_BY_NAME:
            if (path := constant_string(first)) is not None:
                yield NamedReach(module, node.lineno, name, path)
            elif (setting := setting_read(first)) is not None:
                for path in strings_in(getattr(settings, setting, None)):
                    yield NamedReach(module, node.lineno, f"{name}(settings.{setting})", path)
            else:
                yield NamedReach(module, node.lineno, name, None)
        elif name in APPS_BY_LABEL and (label := constant_string(first)) is not None:
            label = label.split(".")[0]
            if label in {config.label for config in django_apps.get_app_configs()}:
                package = django_apps.get_app_config(label).name
                yield NamedReach(module, node.lineno, name, package)


def modules_of_ours() -> Iterator[tuple[str, Path]]:
    for package in sorted(LAYERS.packages):
        for path in sorted((REPO / package).rglob("*.py")):
            relative = path.relative_to(REPO).with_suffix("")
            yield ".".join(relative.parts).removesuffix(".__init__"), path


def test_no_module_of_ours_reaches_a_higher_layer_by_name():
    reaches = [
        reach
        for module, path in modules_of_ours()
        for reach in reaches_by_name(module, path.read_text(encoding="utf-8"))
    ]
    # The scan sees what is there today: the benchmark loads the project resources by name.
    assert ("bench.imports", "projects.resources") in {(r.module, r.target) for r in reaches}

    unknown = [reach for reach in reaches if reach.target is None]
    upward = [
        reach
        for reach in reaches
        if reach.target is not None and not LAYERS.may_depend(reach.module, reach.target)
    ]
    assert unknown == [], "name the module literally or through a setting, so it can be checked"
    assert upward == []


def test_a_reach_up_by_name_is_found(settings):
    settings.SOME_BACKEND = "prioritisation.scoring.Backend"
    source = """
from django.apps import apps
from django.conf import settings
from django.utils.module_loading import import_string
import_string(settings.SOME_BACKEND)
importlib.import_module("strategies.models")
apps.get_model("workshops", "Workshop")
import_string(name_from_somewhere)
"""
    reaches = list(reaches_by_name("projects.example", source))

    assert [reach.target for reach in reaches] == [
        "prioritisation.scoring.Backend",
        "strategies.models",
        "workshops",
        None,
    ]
    assert [LAYERS.may_depend(r.module, r.target) for r in reaches if r.target] == [
        False,
        True,
        False,
    ]


@pytest.mark.parametrize("path", ["prioritisation.nowhere", "cockpit.views.errors.nothing"])
def test_a_dotted_path_to_nowhere_does_not_resolve(path):
    with pytest.raises(ImportError):
        resolve(path)
