"""The platform's Flask service: event intake, onboarding steps, dev inbox."""

from __future__ import annotations

from flask import Flask

from webhooks.config import ServiceConfig
from webhooks.db import make_engine, make_sessions, upgrade
from webhooks.devinbox.repository import DevInboxRepository
from webhooks.errors import register_error_handlers
from webhooks.events.intake import EventIntake
from webhooks.events.reconciler import Reconciler
from webhooks.events.repository import EventRepository
from webhooks.keycloak_gateway import KeycloakGateway


def configure_database(app: Flask, config: ServiceConfig) -> None:
    """Engine and session factory, schema brought up to date."""
    engine = make_engine(config.database_url)
    upgrade(engine)
    app.extensions["db_engine"] = engine
    app.extensions["db_sessions"] = make_sessions(engine)


def configure_events(app: Flask, config: ServiceConfig) -> None:
    """Event intake (push) and the reconciler (pull), sharing one dedupe table."""
    gateway = KeycloakGateway(config.keycloak_url, config.service_client_id, config.service_client_secret)
    repository = EventRepository(app.extensions["db_sessions"])
    intake = EventIntake(config.webhook_secret, repository, handlers={})
    app.extensions["keycloak"] = gateway
    app.extensions["event_intake"] = intake
    app.extensions["reconciler"] = Reconciler(gateway, intake, lambda: {*config.realms, *repository.known_realms()})


def configure_blueprints(app: Flask, config: ServiceConfig) -> None:
    """One blueprint per area; dev-only views only when the dev inbox is on."""
    from webhooks.events.views import bp as events_bp
    from webhooks.health.views import bp as health_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(events_bp)
    if config.dev_inbox:
        from webhooks.devinbox.views import bp as inbox_bp
        from webhooks.events.dev_views import bp as dev_events_bp

        app.extensions["dev_inbox"] = DevInboxRepository(app.extensions["db_sessions"])
        app.register_blueprint(inbox_bp)
        app.register_blueprint(dev_events_bp)


def create_app(config: ServiceConfig | None = None) -> Flask:
    """Application factory."""
    config = config or ServiceConfig.from_env()
    app = Flask(__name__)
    app.config["SERVICE"] = config
    configure_database(app, config)
    configure_events(app, config)
    configure_blueprints(app, config)
    register_error_handlers(app)
    return app
