"""The JSON API relying apps call on a user's behalf, with the user's access token from the realm."""
