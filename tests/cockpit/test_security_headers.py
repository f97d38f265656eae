"""Production hardening: the Content-Security-Policy and the other headers, pages without inline
script or style, the deployment checklist, and the error pages in the app's language and look."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from tests.territories import make_public, world_fixture

world = world_fixture()
ROOT = Path(settings.BASE_DIR)


def member_pages(world) -> list[str]:
    a = world.a
    s = a.strategy.pk
    return [
        reverse("cockpit:home"),
        reverse("cockpit:strategy", args=[s]),
        reverse("cockpit:axis", args=[s, a.axis.pk]),
        reverse("cockpit:measure", args=[s, a.measure.pk]),
        reverse("cockpit:project", args=[s, a.project.pk]),
        reverse("cockpit:indicator", args=[s, a.indicator.pk]),
        reverse("cockpit:timeline", args=[s]),
        reverse("cockpit:effectiveness", args=[s]),
        reverse("cockpit:communes", args=[s]),
        reverse("cockpit:workshops", args=[s]),
        reverse("cockpit:workshop", args=[s, a.workshop.pk]),
    ]


def admin_pages(world) -> list[str]:
    project = world.a.project
    return [
        reverse("admin:index"),
        reverse("admin:projects_project_changelist"),
        reverse("admin:projects_project_change", args=[project.pk]),
        reverse("admin:projects_project_add"),
        reverse("admin:projects_project_history", args=[project.pk]),
        reverse("admin:strategies_strategy_change", args=[world.a.strategy.pk]),
    ]


def public_pages(world) -> list[str]:
    s = world.a.strategy.pk
    return [
        reverse("public:home"),
        reverse("public:strategy", args=[s]),
        reverse("public:indicator", args=[s, world.a.indicator.pk]),
    ]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)


def logged_in(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_every_page_carries_a_strict_content_security_policy(world, db):
    make_public(world.a.strategy)
    for client, urls in (
        (logged_in(world, "viewer_a"), member_pages(world)),
        (logged_in(world, "editor_a"), admin_pages(world)),
        (Client(), [*public_pages(world), reverse("login")]),
    ):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            policy = response["Content-Security-Policy"]
            directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
            assert directives["default-src"] == "'self'"
            assert directives["script-src"] == "'self'", url
            assert directives["style-src"] == "'self'", url
            assert directives["frame-ancestors"] == "'none'"
            assert "unsafe" not in policy
            assert response["X-Frame-Options"] == "DENY"
            assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script_nor_inline_style(world, db):
    make_public(world.a.strategy)
    for client, urls in (
        (logged_in(world, "viewer_a"), member_pages(world)),
        (logged_in(world, "editor_a"), admin_pages(world)),
        (Client(), public_pages(world)),
    ):
        for url in urls:
            html = client.get(url).content.decode()
            assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html))
            assert not STYLE_ATTRIBUTE.search(html), (url, STYLE_ATTRIBUTE.search(html))
            assert not STYLE_ELEMENT.search(html), url


def test_htmx_is_told_not_to_inject_styles_nor_to_eval(world, db):
    html = logged_in(world, "viewer_a").get(reverse("cockpit:home")).content.decode()
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js" defer>', html)


# --- Production settings --------------------------------------------------------------------


SETUP = "import django; django.setup(); from django.conf import settings as s"


def production(*code: str, **env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="cockpit.settings",
        DJANGO_SECRET_KEY="production-like-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="cockpit.example.org",
        **env,
    )
    return subprocess.run(
        [sys.executable, *code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_checklist_is_clean_under_production_settings():
    result = production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_hardened_and_read_the_proxy_and_smtp_from_the_environment():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE,"
        " s.CSRF_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_PROXY_SSL_HEADER, s.X_FRAME_OPTIONS, s.EMAIL_BACKEND, s.EMAIL_HOST,"
        " s.EMAIL_PORT, s.EMAIL_USE_TLS, sep='|')"
    )
    result = production(
        "-c",
        script,
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        DJANGO_EMAIL_HOST="smtp.example.org",
        DJANGO_EMAIL_PORT="587",
        DJANGO_EMAIL_USE_TLS="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split("|") == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
        "DENY",
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "587",
        "True",
    ]


def test_without_a_proxy_the_forwarded_protocol_header_is_not_trusted():
    script = f"{SETUP}; print(s.SECURE_PROXY_SSL_HEADER)"
    assert production("-c", script).stdout.strip() == "None"


def test_development_sends_mails_to_the_console():
    script = f"{SETUP}; print(s.EMAIL_BACKEND)"
    result = production("-c", script, DJANGO_DEBUG="1")
    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend"


# --- Error pages ----------------------------------------------------------------------------


def test_a_missing_page_answers_in_french_in_the_apps_look(client, db):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html
    assert "cockpit/cockpit.css" in html
    assert 'lang="fr"' in html


def test_a_forbidden_action_answers_in_french(world, db):
    from strategies.models import Membership

    editor_membership = Membership.objects.get(user=world.users["editor_a"])
    response = logged_in(world, "editor_a").post(
        reverse("admin:strategies_membership_delete", args=[editor_membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_a_refused_form_explains_itself(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formulaire refusé" in html
    assert "rien n'a été enregistré" in html


@pytest.mark.parametrize(
    ("handler", "status", "title"),
    [
        (defaults.server_error, 500, "Le cockpit a rencontré une erreur"),
        (defaults.bad_request, 400, "Demande incorrecte"),
    ],
)
def test_server_errors_answer_in_french_without_needing_the_request(handler, status, title):
    request = RequestFactory().get("/")
    response = handler(request) if status == 500 else handler(request, exception=None)
    assert response.status_code == status
    html = response.content.decode()
    assert title in html
    assert "cockpit/cockpit.css" in html
    assert "<form" not in html
