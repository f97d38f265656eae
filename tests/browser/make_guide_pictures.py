"""``make guide-pictures``: the guides' screenshots, taken from the demo in Chromium (as the browser
tests are) in French and English, then the manifest of their inputs (guides/pictures.py).

Not part of the suite (its name is not test_*.py): the Makefile runs it by name. Each picture is
the window at its width and height, after scrolling to its element if it has one, reduced to 256
colours (Pillow) to keep the committed files small."""

from __future__ import annotations

import datetime
import io
import re

from django.core import mail
from PIL import Image
from playwright.sync_api import Browser, expect

from guides import pictures
from indicators.models import Indicator
from projects.models import Project
from rounds import services
from strategies.models import Contact
from tests.rounds.conftest import link_path
from workshops.models import Workshop


def _login(browser: Browser, base_url: str, username: str) -> dict:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/comptes/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.locator("main button[type=submit], #login-form [type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/comptes/login/"))
    state = context.storage_state()
    context.close()
    return state


def _optimised(png: bytes) -> bytes:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _owner(strategy) -> None:
    """A contact of the demo's territory owning two open projects and an indicator, as a
    secretariat names them before a round (the demo has no owners of its own)."""
    contact = Contact.objects.create(
        territory=strategy.territory,
        name="Anne Favre",
        email="anne.favre@example.org",
        organisation="Commune de Lens",
    )
    open_projects = Project.objects.filter(strategy=strategy, status=Project.Status.IN_PROGRESS)
    Project.objects.filter(pk__in=open_projects.order_by("code")[:2]).update(owner=contact)
    Indicator.objects.filter(pk=_indicator(strategy).pk).update(owner=contact)


def _indicator(strategy) -> Indicator:
    return Indicator.objects.filter(axis__strategy=strategy).order_by("code").first()


def test_make_guide_pictures(browser: Browser, live_server, demo):
    strategy = demo
    _owner(strategy)
    services.open_round(strategy, datetime.date.today() + datetime.timedelta(days=14), "Merci !")
    setup = {
        "strategy": strategy,
        "indicator": _indicator(strategy),
        "workshop": Workshop.objects.filter(strategy=strategy).order_by("-number").first(),
        "round_link": link_path(mail.outbox[0].body),
    }
    states = {
        user: _login(browser, live_server.url, user)
        for user in {picture.user for picture in pictures.PICTURES if picture.user}
    }
    total = 0
    for language, locale in pictures.LANGUAGES.items():
        folder = pictures.PICTURES_DIR / language
        folder.mkdir(parents=True, exist_ok=True)
        for picture in pictures.PICTURES:
            context = browser.new_context(
                locale=locale,
                viewport={"width": picture.width, "height": picture.height},
                storage_state=states.get(picture.user),
            )
            page = context.new_page()
            response = page.goto(live_server.url + picture.path(setup))
            assert response.status == 200, (picture.name, response.status)
            assert page.evaluate("document.documentElement.lang") == language
            if picture.scroll_to:
                page.locator(picture.scroll_to).first.evaluate("e => e.scrollIntoView(true)")
            data = _optimised(page.screenshot())
            (folder / picture.filename).write_bytes(data)
            total += len(data)
            context.close()
    pictures.write_manifest()
    print(f"\n{2 * len(pictures.PICTURES)} pictures, {total / 1e6:.2f} MB")
