"""Liveness endpoint."""
