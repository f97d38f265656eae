"""Load test of docs/BENCHMARKS.md (``make load``): 20 commission members browse the cockpit of
a 300-project strategy, filter it and open indicators, while 2 secretaries edit projects in the
admin; on 127.0.0.1 only, bounded in time (``-t``) and in requests (``LOAD_MAX_REQUESTS``).

Environment: ``COCKPIT_STRATEGY`` (the strategy's id; found on the home page otherwise),
``LOAD_PASSWORD`` (the demo accounts' password, "demo" by default), ``LOAD_MAX_REQUESTS``,
``LOAD_WAIT=0`` (no think time: the stress run of docs/RELIABILITY.md).
"""

from __future__ import annotations

import os
import random
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from locust import HttpUser, between, constant, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "demo")
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "30000"))
NO_THINK_TIME = os.environ.get("LOAD_WAIT") == "0"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


_run = {"requests": 0, "runner": None}


@events.init.add_listener
def local_only(environment, **_kwargs):
    """Refuse any host but this machine; remember the runner, to stop it at the budget."""
    host = urlsplit(environment.host or "").hostname
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"The load test runs against 127.0.0.1 only, not {host!r}.")
    _run["runner"] = environment.runner


@events.request.add_listener
def request_budget(**_kwargs):
    _run["requests"] += 1
    if _run["requests"] >= MAX_REQUESTS and _run["runner"] is not None:
        _run["runner"].quit()


class FormFields(HTMLParser):
    """The fields a browser would submit from the page's form ``form_id``: inputs, checked
    boxes, selected options, textareas."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def log_in(user: HttpUser, username: str, url: str = "/comptes/login/") -> None:
    page = user.client.get(url, name=url)
    token = CSRF.search(page.text)
    user.client.post(
        url,
        {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "username": username,
            "password": PASSWORD,
        },
        headers={"Referer": user.host + url},
        name=f"{url} (POST)",
    )


def strategy_id(user: HttpUser) -> str:
    if os.environ.get("COCKPIT_STRATEGY"):
        return os.environ["COCKPIT_STRATEGY"]
    home = user.client.get("/", name="/").text
    ids = re.findall(r'href="/strategies/(\d+)/"', home)
    return ids[-1]


class CommissionMember(HttpUser):
    """Reads the cockpit: the page, its filters (htmx), indicators, axes, projects."""

    weight = 10
    wait_time = constant(0) if NO_THINK_TIME else between(1, 4)

    def on_start(self):
        log_in(self, "commission")
        self.strategy = strategy_id(self)
        self.base = f"/strategies/{self.strategy}/"
        page = self.client.get(self.base, name="cockpit").text
        self.axes = re.findall(rf'href="{self.base}axes/(\d+)/"', page)
        self.indicators = re.findall(rf'href="{self.base}indicateurs/(\d+)/"', page)
        self.projects = re.findall(rf'href="{self.base}projets/(\d+)/"', page)
        self.statuses = ["planned", "in_progress", "done", "blocked"]

    @task(4)
    def cockpit(self):
        self.client.get(self.base, name="cockpit")

    @task(4)
    def filter_cockpit(self):
        params = random.choice(
            [
                {"late": "on"},
                {"status": random.choice(self.statuses)},
                {"priority": random.choice(["1", "2", "3"])},
                {"axis": random.choice(self.axes)} if self.axes else {"late": "on"},
                {"q": random.choice(["chemin", "école", "place", "p1"])},
            ]
        )
        self.client.get(
            self.base, params=params, headers={"HX-Request": "true"}, name="cockpit (htmx filter)"
        )

    @task(3)
    def indicator(self):
        if self.indicators:
            self.client.get(
                f"{self.base}indicateurs/{random.choice(self.indicators)}/", name="indicator"
            )

    @task(1)
    def axis(self):
        if self.axes:
            self.client.get(f"{self.base}axes/{random.choice(self.axes)}/", name="axis")

    @task(2)
    def project(self):
        if self.projects:
            self.client.get(f"{self.base}projets/{random.choice(self.projects)}/", name="project")

    @task(1)
    def calendar(self):
        self.client.get(f"{self.base}calendrier/", name="calendar")


class Secretary(HttpUser):
    """Edits projects in the admin: the list, a project's form, and its saving."""

    fixed_count = 2
    wait_time = constant(0) if NO_THINK_TIME else between(2, 6)

    def on_start(self):
        log_in(self, "secretariat", "/admin/login/?next=/admin/")
        self.strategy = strategy_id(self)
        self.changelist = f"/admin/projects/project/?strategy__id__exact={self.strategy}"
        self.edits = 0

    @task
    def edit_a_project(self):
        listing = self.client.get(self.changelist, name="admin: project list").text
        ids = re.findall(r'href="/admin/projects/project/(\d+)/change/', listing)
        if not ids:
            return
        url = f"/admin/projects/project/{random.choice(ids)}/change/"
        form = self.client.get(url, name="admin: project form").text
        fields = FormFields("project_form")
        fields.feed(form)
        self.edits += 1
        data = [(name, value) for name, value in fields.fields if name != "status_comment"]
        data += [("status_comment", f"Point de situation {self.edits}"), ("_save", "1")]
        with self.client.post(
            url,
            data=data,
            headers={"Referer": self.host + url},
            name="admin: project saved",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"not saved ({response.status_code}): the form has errors")
