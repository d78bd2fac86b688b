"""Serves the OpenAPI document of the service's JSON API."""
