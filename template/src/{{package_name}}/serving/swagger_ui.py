"""GET /docs: Swagger UI, the usual page for reading and trying an OpenAPI document.

The page and its JavaScript and CSS come from the `flask-swagger-ui` wheel
(it ships Swagger UI's files), served by the app itself under /docs/: no
CDN, so the page works offline and loads nothing from other sites. It reads
GET /openapi.json, and its "Try it out" buttons call this same service.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app
from flask_swagger_ui import get_swaggerui_blueprint

from .openapi import API_TITLE

DOCS_URL = "/docs"
OPENAPI_URL = "/openapi.json"
BLUEPRINT_NAME = "swagger_ui"

# Swagger UI's settings (https://swagger.io/docs/open-source-tools/swagger-ui/usage/configuration/).
SWAGGER_UI_CONFIG = {
    "app_name": API_TITLE,  # the page's title
    "tryItOutEnabled": True,  # the request editor is open: edit the example, press Execute
    "displayRequestDuration": True,
    # Off: the default shows a badge loaded from validator.swagger.io, another site.
    "validatorUrl": None,
    # A path, not the full URL the package would build from the request.
    "oauth2RedirectUrl": f"{DOCS_URL}/oauth2-redirect.html",
}


def swagger_ui_blueprint() -> Blueprint:
    """The Blueprint serving the page at /docs/ and Swagger UI's files at /docs/<file>."""
    return get_swaggerui_blueprint(
        DOCS_URL, OPENAPI_URL, config=dict(SWAGGER_UI_CONFIG), blueprint_name=BLUEPRINT_NAME
    )


def swagger_ui_page() -> Response:
    """The Swagger UI page itself (what GET /docs/ answers)."""
    return current_app.view_functions[f"{BLUEPRINT_NAME}.show"]()
