"""The API's own documentation: the OpenAPI 3.1 schema (public, valid, every operation described with its scope
and examples) and the interactive docs page, which loads under the workbench's CSP from our own files only."""

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
SCOPE_WORDING = re.compile(r"Scope (\*\*|`)(read|write|publish)(\*\*|`)")


@pytest.fixture
def schema() -> dict:
    response = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def test_the_schema_is_public_and_valid_openapi_3_1(schema):
    assert schema["openapi"].startswith("3.1")
    validate_schema(schema)  # raises on anything the OpenAPI 3.1 JSON schema refuses


def test_generating_the_schema_gives_no_warnings(tmp_path):
    # drf-spectacular warns where it had to guess a type; a guess is a schema that may lie to a partner.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_the_key_is_declared_as_the_api_key_header(schema):
    scheme = schema["components"]["securitySchemes"]["Api-Key"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")


def test_every_operation_has_a_summary_names_its_scope_and_declares_it_as_a_security_requirement(schema):
    undocumented = []
    for name, operation in operations(schema):
        if "/schema/" in name:
            continue
        scopes = [
            scope for requirement in operation.get("security", []) for scope in requirement.get("Api-Key", [])
        ]
        said = SCOPE_WORDING.search(operation.get("description", ""))
        if not operation.get("summary") or not said or scopes != [said.group(2)]:
            undocumented.append((name, operation.get("summary"), said and said.group(2), scopes))
    assert undocumented == []


def test_every_operation_shows_an_example_and_its_errors_as_problem_json(schema):
    missing = []
    for name, operation in operations(schema):
        if "/schema/" in name:
            continue
        contents = [
            content
            for part in [operation.get("requestBody", {}), *operation["responses"].values()]
            for content in part.get("content", {}).values()
        ]
        errors = {code: r for code, r in operation["responses"].items() if code.startswith(("4", "5"))}
        if not any("examples" in c or "example" in c for c in contents):
            missing.append((name, "no example"))
        if "401" not in errors or any(
            list(r.get("content", {})) != ["application/problem+json"] for r in errors.values()
        ):
            missing.append((name, "errors not problem+json"))
    assert missing == []


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.inline_scripts, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self._in_script = "src" not in attrs
            if "src" in attrs:
                self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "img" and attrs.get("src"):
            self.urls.append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


def test_the_interactive_docs_load_our_own_files_and_no_inline_script():
    response = APIClient().get("/api/v1/docs/")

    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    page = _Assets()
    page.feed(response.content.decode())
    assert page.inline_scripts == []
    assert page.urls, "the page loads Swagger UI"
    for url in page.urls:
        assert url.startswith("/") and not url.startswith("//"), url  # same origin: never a CDN
    # The start-up script, served as a file of its own, points Swagger UI at our schema.
    [start] = [u for u in page.urls if "script" in u and "/api/v1/docs/" in u]
    script = APIClient().get(start)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


def test_the_docs_assets_are_served_by_the_workbench_itself():
    page = _Assets()
    page.feed(APIClient().get("/api/v1/docs/").content.decode())
    for url in page.urls:
        if url.startswith("/static/"):
            assert APIClient().get(url).status_code == 200, url
