"""Every app of the product is in the installed package (pyproject's package list): the load and
two-server scripts, run from loadtest/, import the apps from it, not from the working directory."""

import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings


def test_every_app_of_the_product_is_in_the_package_list():
    root = Path(settings.BASE_DIR)
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    listed = {
        name.rstrip("*") for name in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).parent == root  # not the libraries of a .venv inside the clone
    }
    assert ours - listed == set()
