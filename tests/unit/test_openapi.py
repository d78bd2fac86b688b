"""The OpenAPI document is valid and lists exactly the service's JSON routes."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from webhooks import create_app
from webhooks.config import ServiceConfig

HTML_PAGES = ("/onboarding", "/dev/inbox", "/theme", "/static", "/my/", "/providers")


def test_the_document_is_valid_and_matches_the_routes(tmp_path):
    app = create_app(ServiceConfig(database_url=f"sqlite:///{tmp_path / 's.db'}", port=0, smtp_port=0,
                                   dev_inbox=True), migrate=True)
    document = app.test_client().get("/openapi.json").get_json()
    validate(document)
    routes = {re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
              if not rule.rule.startswith(HTML_PAGES) or "/api/" in rule.rule}
    assert set(document["paths"]) == routes
    for path, operations in document["paths"].items():
        rule_methods = {m.lower() for r in app.url_map.iter_rules()
                        if re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", r.rule) == path for m in r.methods}
        assert set(operations) <= rule_methods, path
