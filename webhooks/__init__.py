"""The platform's Flask service: event intake, onboarding steps, dev inbox."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from flask import Flask, send_from_directory
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from webhooks.account_details.step import AccountDetailsStepPlugin
from webhooks.accounts.step import OrganizationStepPlugin
from webhooks.accounts.wiring import accounts_area
from webhooks.api.bearer import BearerVerifier
from webhooks.api_access.activation import ApiAccessActivation
from webhooks.balance.auto_top_up import AutoTopUps
from webhooks.captcha.service import CaptchaService, Reveal
from webhooks.captcha.step import CaptchaStepPlugin
from webhooks.cards.gateway import NoGateway
from webhooks.cards.sandbox import SandboxGateway
from webhooks.cards.service import CardService
from webhooks.cards.step import CardStepPlugin
from webhooks.code_store import CodeStore
from webhooks.config import ServiceConfig
from webhooks.db import make_engine, make_sessions, require_current, upgrade
from webhooks.devinbox.repository import DevInboxRepository
from webhooks.domain_errors import DomainError
from webhooks.email_code.service import EmailCodeService
from webhooks.email_code.step import EmailCodeStepPlugin
from webhooks.errors import register_error_handlers
from webhooks.events.intake import EventIntake
from webhooks.events.reconciler import Reconciler
from webhooks.events.repository import EventRepository
from webhooks.keycloak_gateway import KeycloakGateway
from webhooks.mailer import Mailer
from webhooks.onboarding import forget
from webhooks.onboarding.i18n import translate
from webhooks.onboarding.keys import OnboardingKeys
from webhooks.onboarding.plugin import StepRegistry
from webhooks.onboarding.service import OnboardingService
from webhooks.pats.wiring import personal_access_tokens
from webhooks.phone.service import PhoneService
from webhooks.phone.sms import NoSms, SmsProvider, TwilioSms
from webhooks.phone.step import PhoneStepPlugin
from webhooks.phone.voice_line import VoiceLine
from webhooks.sealing import Sealer
from webhooks.security_headers import configure_security_headers
from webhooks.support.actions import SupportActions
from webhooks.tenant_look import configure_tenant_look, look_origin

MAX_REQUEST_BYTES = 64 * 1024


def configure_database(app: Flask, config: ServiceConfig, migrate: bool) -> None:
    """Engine and session factory on a schema that is current (migrated here only when asked)."""
    engine = make_engine(config.database_url)
    if migrate:
        upgrade(engine)
    require_current(engine)
    app.extensions["db_engine"] = engine
    app.extensions["db_sessions"] = make_sessions(engine)


def configure_events(app: Flask, config: ServiceConfig) -> None:
    """Event intake (push) and the reconciler (pull), sharing one dedupe table."""
    gateway = KeycloakGateway(config.keycloak_url, config.service_client_id, config.service_client_secret)
    repository = EventRepository(app.extensions["db_sessions"])
    intake = EventIntake(config.webhook_secret, repository, forget.handlers(app.extensions["onboarding_steps"]),
                         previous_secrets=config.webhook_previous_secrets)
    app.extensions["keycloak"] = gateway
    app.extensions["api_access"] = ApiAccessActivation(gateway)
    app.extensions["event_intake"] = intake
    app.extensions["reconciler"] = Reconciler(gateway, intake, lambda: {*config.realms, *repository.known_realms()})


def _derived_key(secret: str, purpose: str) -> bytes:
    """A separate key per purpose from the one onboarding secret (random if unset: dev only)."""
    base = secret.encode() if secret else os.urandom(32)
    return hmac.new(base, purpose.encode(), hashlib.sha256).digest()


def _sms_provider(app: Flask, config: ServiceConfig) -> SmsProvider:
    if config.sms_provider == "twilio":
        return TwilioSms(config.twilio_account_sid, config.twilio_auth_token, config.twilio_from,
                         config.twilio_base_url)
    if config.sms_provider in ("dev", "") and config.dev_inbox:
        from webhooks.devinbox.sms_sink import DevSinkSms

        return DevSinkSms(DevInboxRepository(app.extensions["db_sessions"]))
    return NoSms()


def _phone_policy(onboarding: OnboardingService):
    """The tenant's phone step for the voice line; broken settings count as none (a call verifies nothing)."""
    def policy_of(realm: str):
        try:
            return onboarding.step(realm, "phone")
        except DomainError:
            return None
    return policy_of


def _captcha_reveal(app: Flask, config: ServiceConfig) -> Reveal | None:
    """Dev mode only: captcha answers in the dev inbox, so tests solve them as a person would."""
    if not config.dev_inbox:
        return None
    from webhooks.devinbox.captcha_reveal import captcha_reveal

    return captcha_reveal(DevInboxRepository(app.extensions["db_sessions"]), app.extensions["keycloak"])


def _card_service(config: ServiceConfig, sessions, sms: SmsProvider) -> CardService:
    """The card step's gateway: Stripe when configured; the built-in sandbox in dev mode (its 3-D
    Secure codes go by the SMS interface, so to the dev inbox); else none, and the step says so."""
    if config.card_gateway == "stripe":
        from webhooks.cards.stripe_gateway import StripeGateway

        return CardService(sessions, StripeGateway(config.stripe_secret_key, config.stripe_api_base), "stripe")
    if config.card_gateway in ("sandbox", "") and config.dev_inbox:
        sandbox = SandboxGateway(sessions, sms,
                                 CodeStore("card-3ds", _derived_key(config.onboarding_secret, "card-3ds")),
                                 _derived_key(config.onboarding_secret, "sandbox-fingerprints"),
                                 lambda code: translate("en", "card.bank_message", code=code))
        return CardService(sessions, sandbox, "sandbox")
    return CardService(sessions, NoGateway(), "none")


def configure_onboarding(app: Flask, config: ServiceConfig) -> None:
    """The wizard, its steps and what they need: signed sessions, CSRF, SMS, mail, theme CSS."""
    app.secret_key = _derived_key(config.onboarding_secret, "flask-session")
    # Sessions signed before a rotation stay valid while the previous secret is listed.
    app.config["SECRET_KEY_FALLBACKS"] = [_derived_key(old, "flask-session")
                                          for old in config.onboarding_previous_secrets]
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", WTF_CSRF_TIME_LIMIT=3600,
                      SESSION_COOKIE_SECURE=config.public_url.startswith("https://"))
    sessions = app.extensions["db_sessions"]
    gateway = app.extensions["keycloak"]
    keys = OnboardingKeys.parse(config.onboarding_secret, config.onboarding_previous_secrets)
    if keys is None:
        app.logger.error("IDP_ONBOARDING_SECRET is missing or shorter than 32 bytes (base64): onboarding "
                         "hand-overs are refused until it is set")
    registry: StepRegistry = app.extensions["onboarding_steps"]
    mailer = Mailer(config.smtp_host, config.smtp_port, config.mail_from)
    area = accounts_area(sessions, gateway, mailer, config.public_url, config.dev_inbox)
    app.extensions["event_intake"].effects["REGISTER"] = area.on_register
    onboarding = OnboardingService(sessions, gateway, keys, config.issuer_base, registry,
                                   on_complete=area.onboarding_complete, invited=area.invitations.invited)
    sms = _sms_provider(app, config)
    phones = PhoneService(sessions, sms, CodeStore("phone", _derived_key(config.onboarding_secret, "phone-codes")),
                          sealer=Sealer(_derived_key(config.onboarding_secret, "phone-seal")))
    codes = EmailCodeService(sessions, mailer,
                             CodeStore("email", _derived_key(config.onboarding_secret, "email-codes")))
    captchas = CaptchaService(sessions, CodeStore("captcha", _derived_key(config.onboarding_secret, "captcha")),
                              _derived_key(config.onboarding_secret, "captcha-seal"), _captcha_reveal(app, config))
    app.extensions["voice_line"] = VoiceLine(phones, _phone_policy(onboarding), gateway.default_locale)
    cards = _card_service(config, sessions, sms)
    top_ups = AutoTopUps(sessions)
    app.extensions.update(onboarding=onboarding, onboarding_keys=keys, cards=cards, top_ups=top_ups,
                          accounts=area.accounts,
                          memberships=area.memberships, invitations=area.invitations, projects=area.projects,
                          account_statuses=area.statuses, account_store=area.store,
                          support=SupportActions(sessions, gateway))
    app.extensions["pats"] = personal_access_tokens(sessions, gateway, area.memberships, app.extensions["api_access"],
                                                    area.statuses)
    for plugin in (EmailCodeStepPlugin(onboarding, gateway, codes), AccountDetailsStepPlugin(onboarding, gateway),
                   PhoneStepPlugin(onboarding, gateway, phones), CaptchaStepPlugin(onboarding, captchas),
                   CardStepPlugin(onboarding, gateway, cards, top_ups, config.public_url),
                   OrganizationStepPlugin(onboarding, area)):
        registry.add(plugin)
    theme_dir = config.theme_dir or str(Path(__file__).resolve().parents[1] / "themes" / "idp" / "login" / "resources")
    app.add_url_rule("/theme/<path:filename>", "theme",
                     lambda filename: send_from_directory(theme_dir, filename, max_age=300))


def configure_blueprints(app: Flask, config: ServiceConfig) -> None:
    """One blueprint per area; dev-only views only when the dev inbox is on."""
    from webhooks.api.account_status import bp as account_status_bp
    from webhooks.api.accounts import bp as accounts_bp
    from webhooks.api.api_access import bp as api_access_bp
    from webhooks.api.billing import bp as billing_bp
    from webhooks.api.support import bp as support_bp
    from webhooks.api.tokens import bp as tokens_bp
    from webhooks.api.views import bp as api_bp
    from webhooks.api_docs.views import bp as api_docs_bp
    from webhooks.directory.views import bp as directory_bp
    from webhooks.events.views import bp as events_bp
    from webhooks.health.views import bp as health_bp
    from webhooks.observability.views import bp as metrics_bp
    from webhooks.observability.views import configure_request_metrics
    from webhooks.onboarding.views import bp as onboarding_bp
    from webhooks.pats.views import bp as pat_checks_bp
    from webhooks.portal import accounts as _account_pages  # noqa: F401  (their routes join portal_bp)
    from webhooks.portal import api_access as _api_access_page  # noqa: F401
    from webhooks.portal import invitations as _invitation_pages  # noqa: F401
    from webhooks.portal.sign_in import PortalSignIn
    from webhooks.portal.views import bp as portal_bp
    from webhooks.signed_callers import register_signed_callers

    csrf = CSRFProtect(app)
    app.register_blueprint(health_bp)
    app.register_blueprint(metrics_bp)
    configure_request_metrics(app)
    app.register_blueprint(api_docs_bp)
    # Authenticated by their Standard Webhooks signature instead of a browser's session.
    register_signed_callers(app, csrf, events_bp, pat_checks_bp)
    app.register_blueprint(onboarding_bp)
    app.register_blueprint(directory_bp)
    app.extensions["portal_sign_in"] = PortalSignIn(app, config)
    app.register_blueprint(portal_bp)
    # Called by relying apps with the user's access token, never with a browser cookie.
    app.extensions["bearer"] = BearerVerifier(config.keycloak_url, config.issuer_base, config.service_client_id)
    csrf.exempt(api_bp)
    csrf.exempt(billing_bp)  # nested under the API blueprint, exempted by their own names
    csrf.exempt(accounts_bp)
    csrf.exempt(api_access_bp)
    csrf.exempt(tokens_bp)
    csrf.exempt(account_status_bp)
    csrf.exempt(support_bp)
    app.register_blueprint(api_bp)
    if config.sms_provider == "twilio":
        from webhooks.voice.twilio_views import bp as twilio_voice_bp

        register_signed_callers(app, csrf, twilio_voice_bp)  # authenticated by Twilio's signature instead
    if config.dev_inbox:
        app.logger.warning("DEV MODE: the dev inbox (every user's codes, unauthenticated) and /dev endpoints are "
                           "on; never expose this service. Set IDP_SERVICE_DEV_INBOX=false in production.")
        from webhooks.devinbox.views import bp as inbox_bp
        from webhooks.events.dev_views import bp as dev_events_bp

        app.extensions["dev_inbox"] = DevInboxRepository(app.extensions["db_sessions"])
        csrf.exempt(dev_events_bp)
        app.register_blueprint(inbox_bp)
        app.register_blueprint(dev_events_bp)


def create_app(config: ServiceConfig | None = None, *, migrate: bool = False) -> Flask:
    """Application factory. The schema must be current (`python -m webhooks migrate`); migrate=True
    upgrades it first, for tests on a throwaway database."""
    config = config or ServiceConfig.from_env()
    app = Flask(__name__)
    app.config["SERVICE"] = config
    # Every body this service accepts (webhooks, step forms) is small: refuse big ones unread.
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    if config.trusted_proxies:
        # Behind N reverse proxies: take the client's address (per-IP phone limits) and scheme from them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies, x_proto=config.trusted_proxies,
                                x_host=config.trusted_proxies)
    configure_database(app, config, migrate)
    # The step kinds this service runs: filled by configure_onboarding, asked by the wizard and by
    # the account-deletion handler.
    app.extensions["onboarding_steps"] = StepRegistry()
    configure_events(app, config)
    configure_onboarding(app, config)
    configure_blueprints(app, config)
    configure_tenant_look(app, config.issuer_base)
    configure_security_headers(app, config.public_url.startswith("https://"), look_origin(config.issuer_base))
    register_error_handlers(app)
    return app
