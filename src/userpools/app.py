"""Composition root: wires settings, store, clock, randomness and senders into the ASGI app."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from userpools.adapters.log_sink import LogSink
from userpools.adapters.outbox import ConsoleSender, FileSender
from userpools.auth.signing import Signing
from userpools.config import Settings
from userpools.crypto.sealing import (
    Sealer,
    decode_master_key,
    decode_master_keys,
    load_or_create_master_key,
)
from userpools.federation.clients import FederationClients
from userpools.oauth2 import federated
from userpools.observability import probes
from userpools.observability.metrics import Metrics
from userpools.observability.requests import Observer
from userpools.observability.senders import CountingSender
from userpools.operations.context import Services
from userpools.operations.import_runner import ImportScheduler
from userpools.operations.registry import table
from userpools.operations.runner import Runner
from userpools.ports import Clock, Random, Sender, SystemClock, SystemRandom
from userpools.protocol.sigv4 import SigV4Verifier
from userpools.store.connection import StoreUnavailable
from userpools.store.database import Database
from userpools.web import hosted, import_upload, risk_feedback, ui_images, wellknown
from userpools.web.api import ApiEndpoint
from userpools.web.asgi import CORS_HEADERS, EXPOSED_HEADERS, Cors, Root
from userpools.web.hosted.dispatch import DomainHosts

log = logging.getLogger("userpools")


def make_sender(kind: str, settings: Settings, clock: Clock) -> Sender:
    if kind == "console":
        return ConsoleSender()
    if kind == "file":
        return FileSender(settings.outbox, clock)
    if kind == "smtp":
        from userpools.adapters.smtp import SmtpSender

        return SmtpSender(settings)
    raise ValueError(f"unknown sender {kind!r}")


def master_key(settings: Settings) -> bytes:
    if settings.master_key:
        return decode_master_key(settings.master_key)
    return load_or_create_master_key(settings.data_dir / "master.key")


def previous_master_keys(settings: Settings) -> tuple[bytes, ...]:
    if settings.master_key_previous:
        return decode_master_keys(settings.master_key_previous)
    path = settings.data_dir / "master.key.previous"
    return decode_master_keys(path.read_text()) if not settings.master_key and path.exists() else ()


def sealer_of(settings: Settings, random: Random) -> Sealer:
    """The master key and the previous ones (a rotation in progress)."""
    return Sealer(master_key(settings), random, previous_master_keys(settings))


def create_app(settings: Settings, clock: Clock | None = None, random: Random | None = None) -> Root:
    settings.check()
    clock = clock or SystemClock()
    random = random or SystemRandom()
    metrics = Metrics()
    database = Database(settings.database_url, clock, shared=settings.shared_store)
    import_jobs = ImportScheduler(database, settings.import_batch_size, settings.import_lease_seconds)
    services = Services(
        settings=settings,
        clock=clock,
        random=random,
        email=CountingSender(make_sender(settings.email_sender, settings, clock), metrics.messages, "email"),
        sms=CountingSender(make_sender(settings.sms_sender, settings, clock), metrics.messages, "sms"),
        sealer=sealer_of(settings, random),
        federation=FederationClients.for_settings(settings),
        metrics=metrics,
        logs=LogSink(settings.log_dir or str(settings.data_dir / "logs")),
        import_jobs=import_jobs,
        signing=Signing(settings.signing, settings.workers),
    )
    import_jobs.bind(services)
    federated.install()  # /oauth2/authorize sends users of external providers to them
    runner = Runner(services, database)
    observer = Observer(services.metrics, settings.requests_logged)
    api = ApiEndpoint(
        table(), runner, SigV4Verifier(settings.auth_mode, settings.access_keys), settings.region, observer
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await database.start()
        if settings.seed is not None:
            from userpools.seed import apply_file

            await apply_file(settings.seed, services, database)
        await import_jobs.start()  # resumes the import jobs a restart interrupted
        log.info(
            "userpools ready on %s (store: %s, auth: %s)",
            settings.base_url,
            "sqlite" if database.is_sqlite else "postgresql",
            settings.auth_mode,
        )
        try:
            yield
        finally:
            await import_jobs.close()
            await services.signing.close()
            await database.close()

    app = Starlette(
        routes=[
            ui_images.route,
            import_upload.route,
            *wellknown.routes,
            *probes.routes,
            *risk_feedback.routes,
            hosted.mount,
        ],
        middleware=[
            # A pool domain's own Host name reaches its hosted routes (userpools.web.hosted).
            Middleware(DomainHosts, settings=settings, database=database),
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=list(CORS_HEADERS),
                expose_headers=EXPOSED_HEADERS.split(","),
                max_age=600,
            ),
        ],
        lifespan=lifespan,
        exception_handlers={StoreUnavailable: probes.store_unavailable},
    )
    app.state.services = services
    app.state.database = database
    app.state.runner = runner
    app.state.metrics = services.metrics
    return Root(api, app, Cors(settings.cors_origins), settings.body_timeout)


def from_environment() -> Root:
    """The app of one ``userpools serve --workers N`` worker (uvicorn's factory): settings from the
    environment the command passed on, in a store other workers share."""
    from userpools import config
    from userpools.observability import logs
    from userpools.web.http_limits import uvicorn_options

    settings = config.from_env().with_(shared_store=True, seed=None)  # the parent seeded once
    logs.configure(settings.log_level, settings.log_format)
    uvicorn_options(settings)  # this worker's header limits (its protocol class is the parent's, by name)
    return create_app(settings)
