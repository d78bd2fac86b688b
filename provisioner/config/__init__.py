"""Tenant configuration: YAML files -> validated Tenant objects."""
