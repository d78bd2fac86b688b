"""What linking a card does to the user's account, wherever the card is linked (the wizard's card
step or the balance page later): where the bank's 3-D Secure code goes, and the `cardBound`
attribute relying apps read as a claim."""

from __future__ import annotations

from contract.names import CARD_BOUND, PHONE_NUMBER, PHONE_NUMBER_VERIFIED
from webhooks.keycloak_gateway import KeycloakGateway


def bank_code_address(gateway: KeycloakGateway, realm: str, user_id: str) -> str:
    """Where "the bank" sends a 3-D Secure code: the verified phone, else the email address."""
    user = gateway.get_user(realm, user_id)
    attributes = user.get("attributes") or {}
    if (attributes.get(PHONE_NUMBER_VERIFIED) or [""])[0] == "true" and attributes.get(PHONE_NUMBER):
        return attributes[PHONE_NUMBER][0]
    return user.get("email") or user_id


def mark_card_bound(gateway: KeycloakGateway, realm: str, user_id: str) -> None:
    """Relying apps may know at once (the next token says `card_bound: true`)."""
    gateway.update_user(realm, user_id, {"attributes": {CARD_BOUND: ["true"]}})
