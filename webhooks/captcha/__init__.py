"""Self-hosted captcha (seed 000): a picture and a spoken alternative of the same answer."""
