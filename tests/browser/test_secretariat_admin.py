"""The secretariat's journey in the admin, in a real browser, on the demo territory."""

from playwright.sync_api import Page, expect

from projects.models import Project


def log_in(page: Page, base_url: str, username: str = "secretariat") -> None:
    page.goto(f"{base_url}/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("input[type=submit]")


def test_secretariat_finds_the_strategy_and_its_axes(page: Page, live_server, demo):
    log_in(page, live_server.url)
    expect(page.locator("#site-name")).to_contain_text("Cockpit stratégique")
    page.locator("tr.model-strategy th a").click()
    page.get_by_role("link", name="Stratégie de développement intercommunal").click()
    expect(page.locator("#id_finality")).to_have_value(
        "Faire de la région de Crans-Montana une référence nationale en matière de "
        "développement durable, harmonieux et coordonné"
    )
    for number in range(4):
        expect(page.locator(f"#id_axes-{number}-title")).to_be_visible()


def test_secretariat_closes_a_late_project_from_the_list(page: Page, live_server, demo):
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/projects/project/?late=yes")
    rows = page.locator("#result_list tbody tr")
    late_before = rows.count()
    assert late_before >= 1
    expect(rows.first.locator(".field-cockpit_mark .mark-ko")).to_have_text("✗ en retard")
    expect(rows.first.locator(".field-late")).to_have_text("✗ en retard")
    code = rows.first.locator("th a, td.field-code a").first.inner_text()

    rows.first.locator("input.action-select").check()
    page.select_option("select[name=action]", "change_status")
    page.select_option("select[name=status]", "done")
    page.locator("button[name=index], button[type=submit].button").first.click()

    expect(page.locator(".messagelist")).to_contain_text("réalisé")
    expect(page.locator("#result_list tbody tr")).to_have_count(late_before - 1)
    project = Project.objects.get(code=code)
    assert project.status == Project.Status.DONE
    assert project.history.first().history_user.username == "secretariat"

    page.goto(f"{live_server.url}/admin/projects/project/{project.pk}/history/")
    expect(page.locator("#change-history")).to_contain_text("secretariat")


def test_secretariat_sees_the_three_indicator_statuses(page: Page, live_server, demo):
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/admin/indicators/indicator/")
    table = page.locator("#result_list")
    expect(table.locator(".status-achieved").first).to_contain_text("✓")
    expect(table.locator(".status-warning").first).to_contain_text("!")
    expect(table.locator(".status-off_track").first).to_contain_text("✗")
    page.screenshot(path="test-results/admin-indicators.png", full_page=True)


def test_a_bad_date_in_the_project_form_saves_nothing(page: Page, live_server, demo):
    log_in(page, live_server.url)
    project = Project.objects.order_by("code").first()
    start_before, history_before = project.start_date, project.history.count()
    page.goto(f"{live_server.url}/admin/projects/project/{project.pk}/change/")
    page.fill("#id_start_date", "31.02.2027")
    page.click("input[name=_save]")
    expect(page.locator(".errorlist")).to_contain_text("date valide")
    project.refresh_from_db()
    assert project.start_date == start_before
    assert project.history.count() == history_before
