"""Which admin sign-in the environment names, and the clear refusals when it is half set or doubled."""

from __future__ import annotations

import pytest

from provisioner.admin_sign_in import AdminSignIn, from_env
from provisioner.errors import IdpError


def test_a_user_or_a_service_account():
    assert from_env({}) is None
    user = from_env({"IDP_ADMIN_USER": "admin", "IDP_ADMIN_PASSWORD": "pw"})
    assert user == AdminSignIn(user="admin", password="pw") and user.who == "user admin" and user.secret == "pw"
    assert user.token_form()["grant_type"] == "password" and user.token_form()["client_id"] == "admin-cli"
    client = from_env({"IDP_ADMIN_CLIENT_ID": "idp-ci", "IDP_ADMIN_CLIENT_SECRET": "s3"})
    assert client.who == "client idp-ci" and client.secret == "s3"
    assert client.token_form() == {"grant_type": "client_credentials", "client_id": "idp-ci", "client_secret": "s3"}


@pytest.mark.parametrize("env, says", [
    ({"IDP_ADMIN_USER": "admin"}, "IDP_ADMIN_USER and IDP_ADMIN_PASSWORD go together"),
    ({"IDP_ADMIN_CLIENT_SECRET": "s3"}, "IDP_ADMIN_CLIENT_ID and IDP_ADMIN_CLIENT_SECRET go together"),
    ({"IDP_ADMIN_USER": "admin", "IDP_ADMIN_PASSWORD": "pw", "IDP_ADMIN_CLIENT_ID": "idp-ci",
      "IDP_ADMIN_CLIENT_SECRET": "s3"}, "Both an admin user"),
])
def test_half_a_pair_or_both_kinds_is_refused_with_what_to_set(env, says):
    with pytest.raises(IdpError, match=says) as refused:
        from_env(env)
    assert refused.value.hint


def test_its_printed_form_names_who_and_never_the_secret():
    for sign_in in (AdminSignIn(user="admin", password="pw-s3cret"),
                    AdminSignIn(client_id="idp-ci", client_secret="s3cret")):
        assert "s3cret" not in repr(sign_in) and "s3cret" not in f"{sign_in}" and sign_in.who in repr(sign_in)


def test_a_mistyped_keep_session_setting_is_reported_not_guessed():
    with pytest.raises(IdpError, match="IDP_ADMIN_KEEP_SESSION='flase' is neither true nor false") as raised:
        from_env({"IDP_ADMIN_USER": "admin", "IDP_ADMIN_PASSWORD": "pw", "IDP_ADMIN_KEEP_SESSION": "flase"})
    assert "set it to false" in raised.value.hint
