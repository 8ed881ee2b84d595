"""Every error the service answers is JSON with a message a client can act on.

    {"error": "missing feature(s): age", "field": "age"}

`ApiError` is what the routes raise for a client's mistake (400, 422) or a
service that is not ready (503). The handlers below also turn Flask's own
errors (404 unknown path, 405 wrong method, 413 body too large) and any bug
(500) into that same JSON shape, instead of Flask's HTML pages.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A client error: becomes a JSON answer with `status`, `message` and `field`."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def error_response(status: int, message: str, field: str | None = None) -> Response:
    """The JSON body of every error: `error`, plus `field` when one field is at fault."""
    body: dict[str, str] = {"error": message}
    if field:
        body["field"] = field
    response = jsonify(body)
    response.status_code = status
    return response


def handle_api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.message, exc.field)


def http_error_message(exc: HTTPException) -> str:
    """Say what to do next for the errors Flask raises itself."""
    code = exc.code or 500
    if code == 404:
        return f"no endpoint at {request.path}: see GET /docs for the endpoints"
    if code == 405:
        allowed = ", ".join(sorted(getattr(exc, "valid_methods", None) or []))
        return f"{request.method} is not allowed on {request.path}; use {allowed}"
    if code == 413:
        limit = current_app.config["MAX_BODY_BYTES"]
        return f"the request body is over the {limit} byte limit: send fewer instances per request"
    return exc.description or exc.name


def handle_http_error(exc: HTTPException) -> Response:
    """404, 405, 413 ... as JSON instead of Flask's HTML pages."""
    response = error_response(exc.code or 500, http_error_message(exc))
    for name, value in exc.get_headers():  # e.g. "Allow: GET, HEAD" on a 405
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_unexpected_error(exc: Exception) -> Response:
    """A bug, never the client's fault: log the traceback, answer JSON."""
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "internal server error: the traceback is in the server log")


def register_error_handlers(app: Flask) -> None:
    """Answer every error of `app` as JSON."""
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
