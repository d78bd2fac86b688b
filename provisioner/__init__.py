"""Provisioning for the identity platform: local runtime, tenant config, plan/apply/export."""
