"""One place that turns errors into JSON (API) responses with a code and a safe message."""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from webhooks.domain_errors import DomainError


def register_error_handlers(app: Flask) -> None:
    """JSON errors for every HTTP error; never a stack trace to the client."""

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return jsonify({"error": exc.code, "message": exc.message}), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        response = jsonify({"error": exc.name.lower().replace(" ", "_"), "message": exc.description})
        response.status_code = exc.code or 500
        # Keep what the error says besides its body: Allow on a 405, Location on a redirect.
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return jsonify({"error": "internal_error", "message": "Something went wrong on our side."}), 500
