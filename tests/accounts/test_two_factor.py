"""Two-factor login (accounts/): enrolment, the code step, recovery codes, the requirement for
those who can change data, the superuser's reset and the throttling of wrong codes."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from strategies.access import can_change_data, users_who_change_data
from strategies.models import Membership
from tests.factories import MembershipFactory, UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


@pytest.fixture
def editor(db):
    return MembershipFactory(role=Membership.Role.EDITOR, user__is_staff=True).user


@pytest.fixture
def viewer(db):
    return MembershipFactory(role=Membership.Role.VIEWER).user


def log_in(client, user):
    """The password step, through the login form."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return response


def code_of(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or ``steps_ahead`` periods later, within tolerance)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, steps_ahead):06d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return device, twofactor.new_recovery_codes(user)


def test_can_change_data_means_superuser_or_editor(db, editor, viewer):
    staff_only = UserFactory(is_staff=True)
    superuser = UserFactory(is_superuser=True)
    inactive_editor = MembershipFactory(role=Membership.Role.EDITOR, user__is_active=False).user
    assert [can_change_data(u) for u in (editor, superuser, viewer, staff_only)] == [
        True,
        True,
        False,
        False,
    ]
    assert not can_change_data(inactive_editor)
    assert set(users_who_change_data()) == {editor, superuser}


def test_enrolment_confirms_the_device_with_a_code_of_the_app_and_shows_recovery_codes_once(
    client, editor, required
):
    log_in(client, editor)
    response = client.get(reverse("cockpit:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:enrol"))

    page = client.get(response["Location"])
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    html = page.content.decode()
    assert re.search(r"<svg [^>]*class=\"segno\"", html)  # the QR code, inline, drawn server-side
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert secret.replace(" ", "") in device.config_url  # the same key, for manual entry
    assert "<img" not in html

    confirmed = client.post(reverse("accounts:enrol"), {"code": code_of(device), "next": "/"})
    assert confirmed.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(confirmed["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", shown)
    assert len(codes) == twofactor.RECOVERY_CODE_COUNT
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)
    )
    again = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert not set(codes) & set(re.findall(r"<code>([a-z2-7]+)</code>", again))
    assert client.get(reverse("cockpit:home")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_wrong_code_at_enrolment_is_refused_and_changes_nothing(client, editor, required):
    log_in(client, editor)
    client.get(reverse("accounts:enrol"))
    device = TOTPDevice.objects.get(user=editor)
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:enrol"), {"code": wrong})
    assert response.status_code == 200
    assert "Code incorrect" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()
    assert client.get(reverse("cockpit:home")).status_code == 302
    # Shown again, the page keeps the same secret.
    client.get(reverse("accounts:enrol"))
    assert TOTPDevice.objects.get(user=editor).key == device.key


def test_login_asks_a_user_with_a_device_for_a_code_before_anything_else(client, editor):
    device, _codes = enrolled(editor)
    log_in(client, editor)
    for url in (reverse("cockpit:home"), reverse("admin:index"), reverse("accounts:account")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:verify")), url
    page = client.get(reverse("accounts:verify") + "?next=/admin/")
    assert "Code de connexion" in page.content.decode()

    response = client.post(reverse("accounts:verify"), {"code": code_of(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_code_step_never_sends_elsewhere_than_this_site(client, editor):
    device, _codes = enrolled(editor)
    log_in(client, editor)
    response = client.post(
        reverse("accounts:verify"), {"code": code_of(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("cockpit:home")


def test_a_recovery_code_logs_in_once(client, editor):
    _device, codes = enrolled(editor)
    log_in(client, editor)
    response = client.post(reverse("accounts:verify"), {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get(reverse("cockpit:home")).status_code == 200
    assert StaticToken.objects.filter(device__user=editor).count() == len(codes) - 1

    client.post(reverse("logout"))
    log_in(client, editor)
    StaticDevice.objects.filter(user=editor).update(throttling_failure_count=0)
    again = client.post(reverse("accounts:verify"), {"code": codes[0]})
    assert again.status_code == 200
    assert "Code incorrect" in again.content.decode()
    assert client.get(reverse("cockpit:home")).status_code == 302


def test_the_requirement_sends_an_editor_without_device_to_enrolment_and_nowhere_else(
    client, editor, required
):
    log_in(client, editor)
    for url in (
        reverse("cockpit:home"),
        reverse("admin:index"),
        reverse("accounts:account"),
        reverse("password_change"),
        reverse("accounts:verify"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:enrol")), url
    htmx = client.get(reverse("cockpit:home"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"].startswith(reverse("accounts:enrol"))
    assert client.get(reverse("accounts:enrol")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302


def test_without_the_requirement_an_editor_without_device_is_not_stopped(client, editor, settings):
    settings.TWO_FACTOR_REQUIRED = False
    log_in(client, editor)
    assert client.get(reverse("cockpit:home")).status_code == 200


def test_a_viewer_is_not_asked_for_a_code(client, viewer, required):
    log_in(client, viewer)
    assert client.get(reverse("cockpit:home")).status_code == 200
    assert client.get(reverse("accounts:account")).status_code == 200


def test_a_session_opened_before_two_factor_login_is_checked_on_its_next_request(
    client, editor, required
):
    client.force_login(editor)
    session = client.session
    del session[twofactor.STATE_KEY]
    session.save()
    assert client.get(reverse("cockpit:home"))["Location"].startswith(reverse("accounts:enrol"))


def test_a_page_with_nothing_owed_reads_no_device(client, viewer, required):
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:verify")).status_code == 302
    assert not [q for q in queries.captured_queries if "otp_" in q["sql"]]


def test_wrong_codes_count_and_hold_back_the_next_attempt(client, editor):
    device, _codes = enrolled(editor)
    log_in(client, editor)
    wrong = f"{(int(code_of(device)) + 500_000) % 1_000_000:06d}"
    refused = client.post(reverse("accounts:verify"), {"code": wrong})
    assert "Code incorrect" in refused.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    # Right away, even the right code waits (1 s after one failure, then 2, 4, 8…).
    held = client.post(reverse("accounts:verify"), {"code": code_of(device)})
    assert "Trop de codes erronés" in held.content.decode()
    assert client.get(reverse("cockpit:home")).status_code == 302

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp
        - datetime.timedelta(seconds=2)
    )
    client.post(reverse("accounts:verify"), {"code": code_of(device)})
    assert client.get(reverse("cockpit:home")).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_superuser_resets_a_lost_device_and_the_admin_log_says_so(client, editor, required):
    enrolled(editor)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    # The superuser's own session: verified with a device of theirs.
    superuser_device, _ = enrolled(superuser)
    client.force_login(superuser)
    client.post(reverse("accounts:verify"), {"code": code_of(superuser_device)})

    changelist = client.get(reverse("admin:auth_user_changelist"))
    assert "reset_two_factor" in changelist.content.decode()
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [editor.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()
    entry = LogEntry.objects.get(object_id=str(editor.pk), user=superuser)
    assert "double authentification" in entry.get_change_message()

    client.post(reverse("logout"))
    log_in(client, editor)
    assert client.get(reverse("cockpit:home"))["Location"].startswith(reverse("accounts:enrol"))


def test_an_editor_cannot_reset_anyones_device(client, editor, viewer):
    enrolled(viewer)
    client.force_login(editor)
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [viewer.pk]},
    )
    assert TOTPDevice.objects.filter(user=viewer).exists()


def test_regenerated_recovery_codes_replace_the_old_ones(client, editor):
    device, old_codes = enrolled(editor)
    log_in(client, editor)
    client.post(reverse("accounts:verify"), {"code": code_of(device)})
    client.post(reverse("accounts:regenerate_recovery_codes"))
    shown = client.get(reverse("accounts:recovery_codes")).content.decode()
    new_codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", shown)
    assert len(new_codes) == twofactor.RECOVERY_CODE_COUNT
    assert not set(old_codes) & set(
        StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)
    )


def test_the_account_page_shows_memberships_and_the_two_factor_state(client, editor):
    device, _codes = enrolled(editor)
    log_in(client, editor)
    client.post(reverse("accounts:verify"), {"code": code_of(device)})
    page = client.get(reverse("accounts:account")).content.decode()
    territory = editor.memberships.get().territory
    assert territory.name in page
    assert "activée" in page
    assert f"{twofactor.RECOVERY_CODE_COUNT} codes de secours restants" in page
    assert reverse("password_change") in page


def test_the_account_page_speaks_english(client, viewer):
    client.force_login(viewer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("accounts:account"), headers={"Accept-Language": "en"})
    assert "My account" in page.content.decode()
    assert get_user_model().objects.count() >= 1


def test_an_open_session_of_a_reset_account_must_enrol_again(client, editor, required):
    device, _codes = enrolled(editor)
    log_in(client, editor)
    client.post(reverse("accounts:verify"), {"code": code_of(device)})
    assert client.get(reverse("cockpit:home")).status_code == 200

    twofactor.reset_devices(editor, by=UserFactory(is_superuser=True))
    response = client.get(reverse("cockpit:home"))
    assert response["Location"].startswith(reverse("accounts:enrol"))
