"""What the API tests share: a token for a user, the JSON of a GET, the fields only members
read."""

from __future__ import annotations

from django.test import Client

from accounts.models import ApiToken

#: The fields of a project that the public never reads (budgets, people, comments).
MEMBER_PROJECT_FIELDS = {
    "description",
    "lead",
    "partners",
    "status_comment",
    "currency",
    "budget_planned",
    "budget_committed",
    "budget_spent",
    "budget_kind",
}


def token_for(user, name: str = "tableau de bord") -> str:
    return ApiToken.issue(user, name)[1]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def get(url: str, token: str | None = None, **headers):
    if token:
        headers.update(bearer(token))
    return Client().get(url, headers=headers)
