"""An API client that sends a personal token, and a throttle count of each test's own."""

from __future__ import annotations

import json
import uuid

import pytest

from api.models import ApiToken
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def api_cache(settings, redis_url):
    """The throttle counts in the suite's Redis, under a prefix of this test's own."""
    settings.CACHES = settings.CACHES | {
        "api": settings.CACHES["api"] | {
            "LOCATION": redis_url, "KEY_PREFIX": f"netcrm-api-test-{uuid.uuid4().hex}",
        }
    }


class ApiClient:
    """Django's test client, speaking JSON with `Authorization: Bearer <token>`."""

    def __init__(self, client, token: str | None) -> None:
        self.client, self.token = client, token

    def headers(self, extra: dict) -> dict:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return headers | extra

    def get(self, path: str, data=None, headers: dict | None = None):
        return self.client.get(path, data, headers=self.headers(headers or {}))

    def send(self, method: str, path: str, body=None, headers: dict | None = None):
        if method == "get":
            return self.get(path, headers=headers)
        payload = body if isinstance(body, (str, bytes)) else json.dumps(body or {})
        return getattr(self.client, method)(
            path, payload, content_type="application/json", headers=self.headers(headers or {})
        )

    def post(self, path: str, body=None, headers: dict | None = None):
        return self.send("post", path, body, headers)

    def patch(self, path: str, body=None, headers: dict | None = None):
        return self.send("patch", path, body, headers)

    def delete(self, path: str, headers: dict | None = None):
        return self.client.delete(path, headers=self.headers(headers or {}))


@pytest.fixture
def token(user) -> str:
    return ApiToken.issue(user, "my phone")[1]


@pytest.fixture
def api(client, token) -> ApiClient:
    return ApiClient(client, token)


@pytest.fixture
def other_api(client, other_user) -> ApiClient:
    return ApiClient(client, ApiToken.issue(other_user, "theirs")[1])


@pytest.fixture
def anonymous(client) -> ApiClient:
    return ApiClient(client, None)


def assert_422_at(response, *loc) -> dict:
    """A 422 in the schema's shape, with a mistake at `loc` (after body, payload)."""
    assert response.status_code == 422, (response.status_code, response.content)
    detail = response.json()["detail"]
    assert all({"type", "loc", "msg"} <= error.keys() for error in detail), detail
    where = [error for error in detail if error["loc"][2:] == list(loc)]
    assert where, (loc, detail)
    return where[0]


__all__ = ["ApiClient", "assert_422_at", "make_user"]
