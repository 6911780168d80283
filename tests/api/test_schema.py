"""The OpenAPI schema at /api/openapi.json, and its docs page served from this site."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/contacts", "/api/contacts/{pk}", "/api/contacts/{pk}/chains", "/api/organizations",
    "/api/organizations/{pk}", "/api/meetings", "/api/meetings/{pk}", "/api/referrals",
    "/api/followups/queue", "/api/followups/{pk}/done", "/api/followups/{pk}/skip",
    "/api/followups/{pk}/snooze", "/api/leads", "/api/leads/{pk}", "/api/leads/{pk}/move",
}


def test_the_schema_is_openapi_json_with_every_path_and_the_bearer_scheme(anonymous):
    response = anonymous.get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "netcrm API"
    assert set(schema["paths"]) == PATHS
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http", "scheme": "bearer"
    }
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation["security"] == [{"TokenAuth": []}], (method, path)
    # Every $ref points at a schema that is there.
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', response.content.decode()))
    assert refs and refs <= set(schema["components"]["schemas"])
    meeting = schema["components"]["schemas"]["MeetingIn"]["properties"]
    assert {"contacts", "new_contact_name", "referrals", "starts_at"} <= set(meeting)
    creates = schema["paths"]["/api/meetings"]["post"]["parameters"]
    assert [p["name"] for p in creates] == ["Idempotency-Key"]


def test_the_docs_page_loads_everything_from_this_site_under_the_csp(anonymous):
    response = anonymous.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    assert "cdn" not in page.lower()
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), source
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self';" in csp
    assert "unsafe" not in csp
    # No inline script that the CSP would block (the settings are JSON data, not code).
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline == [' type="application/json" id="swagger-settings"']
    assert "style=" not in page and "<style" not in page
