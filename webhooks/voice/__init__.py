"""Inbound voice calls: the real provider's webhooks (Twilio)."""
