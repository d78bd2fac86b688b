"""Keycloak events: signed webhook intake, dedupe by event id, dispatch, and a reconciler."""
