"""The platform's Flask service: event intake, onboarding steps, dev inbox."""

from __future__ import annotations

from flask import Flask

from webhooks.config import ServiceConfig
from webhooks.db import make_engine, make_sessions, upgrade
from webhooks.devinbox.repository import DevInboxRepository
from webhooks.errors import register_error_handlers


def configure_database(app: Flask, config: ServiceConfig) -> None:
    """Engine and session factory, schema brought up to date."""
    engine = make_engine(config.database_url)
    upgrade(engine)
    app.extensions["db_engine"] = engine
    app.extensions["db_sessions"] = make_sessions(engine)


def configure_blueprints(app: Flask, config: ServiceConfig) -> None:
    """One blueprint per area; the dev inbox only when enabled."""
    from webhooks.health.views import bp as health_bp

    app.register_blueprint(health_bp)
    if config.dev_inbox:
        from webhooks.devinbox.views import bp as inbox_bp

        app.extensions["dev_inbox"] = DevInboxRepository(app.extensions["db_sessions"])
        app.register_blueprint(inbox_bp)


def create_app(config: ServiceConfig | None = None) -> Flask:
    """Application factory."""
    config = config or ServiceConfig.from_env()
    app = Flask(__name__)
    app.config["SERVICE"] = config
    configure_database(app, config)
    configure_blueprints(app, config)
    register_error_handlers(app)
    return app
