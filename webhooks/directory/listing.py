"""Which providers the chooser lists, and the search over them. Plain Python: no Flask here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from webhooks.account_details.service import country_name
from webhooks.domain_errors import DomainError

ReportFailure = Callable[[str, str], None]  # (realm, why)


@dataclass(frozen=True)
class Provider:
    realm: str
    name: str
    description: str
    country: str  # the country's name in the visitor's language
    logo_url: str | None
    signup_url: str | None


def providers(realms: Iterable[str], entry: Callable[[str], dict | None], display_name: Callable[[str], str],
              locale: str, on_failure: ReportFailure) -> list[Provider]:
    """Every listed tenant among realms, by name. A realm Keycloak cannot read now is left out (and
    reported), so one broken tenant does not take the chooser down for the others."""
    found = []
    for realm in sorted(set(realms)):
        try:
            listed = entry(realm)
            if listed is None:
                continue
            found.append(Provider(realm, display_name(realm), listed["description"],
                                  country_name(locale, listed["country"]), listed.get("logo_url"),
                                  listed.get("signup_url")))
        except DomainError as exc:
            on_failure(realm, exc.message)
    return sorted(found, key=lambda p: p.name.casefold())


def search(found: list[Provider], query: str) -> list[Provider]:
    """Those whose name, description or country holds every word of the query (any case)."""
    words = query.casefold().split()
    return [p for p in found if all(w in f"{p.name} {p.description} {p.country}".casefold() for w in words)]
