"""The OpenAPI schema (served and valid) and the interactive docs (no CDN)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_schema_is_served_and_valid(client: Client) -> None:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert "/api/v1/auth/token" in schema["paths"]
    assert {"post", "delete"} <= set(schema["paths"]["/api/v1/auth/token"])
    assert "/api/v1/me" in schema["paths"]
    assert "/api/v1/students/{student_id}" in schema["paths"]
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_generated_schema_is_valid() -> None:
    validate_schema(SchemaGenerator().get_schema(request=None, public=True))


def test_docs_render_from_own_static_files(client: Client) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in body
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs"):
        assert cdn not in body
    # Swagger UI's start-up script is a file of its own (no inline script under the CSP).
    assert '<script src="/api/docs/?script="></script>' in body
    assert "/api/schema/" in client.get("/api/docs/?script=").content.decode()


def test_docs_static_assets_exist(client: Client, settings: Any) -> None:
    from django.contrib.staticfiles import finders

    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
