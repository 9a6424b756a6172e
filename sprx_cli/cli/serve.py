"""`sprx serve`: the Open Referral UK API and the published site, read-only, over HTTP."""

import signal
import tempfile
from pathlib import Path

import typer

from .app import app
from .common import RegistryArgs, fail, guard, registry_options, settings, usage_error

EXTRA = 'pip install "sprx[serve]"'


@app.command()
@registry_options
def serve(
    reg: RegistryArgs,
    site: Path | None = typer.Option(None, "--site", metavar="DIR", help="A site made by 'sprx publish': "
                                     "served as it is, following each publish.  [default: build one from the "
                                     "registry in a temporary folder]"),
    host: str = typer.Option("127.0.0.1", "--host", help="Listen on this address (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Listen on this port (0: any free one)."),
    max_connections: int | None = typer.Option(None, "--max-connections", min=1, metavar="N", help="Connections "
                                               "open at once; past it a new one is answered 503.  [default: 1000, "
                                               "or fewer where the process may open fewer files]"),
    header_timeout: float = typer.Option(10.0, "--header-timeout", min=0.1, metavar="SECONDS", help="Close a "
                                         "connection whose request has not fully arrived in this time.",
                                         show_default=True),
    workers: int = typer.Option(1, "--workers", min=1, max=64, metavar="N", help="Serve from N processes "
                                "sharing the port, each reading the same store and following each publish "
                                "(--max-connections holds in each).", show_default=True),
) -> None:
    """Serve the Open Referral UK 3.0 API at /oruk and the published map and index at /.

    Give http://HOST:PORT/oruk to the Open Referral UK validator or to another directory. Needs
    the serve extra (pip install "sprx[serve]"). Stops with Ctrl+C.

    Example: sprx serve --site public --port 8080 --workers 4
    """
    with guard():
        try:
            import uvicorn  # noqa: F401
            import starlette  # noqa: F401
        except ImportError:
            fail(f"sprx serve needs a web server that sprx does not install by default: {EXTRA}")
        from ..site.versions import live_version

        if site is not None:
            if live_version(site) is None:
                usage_error(f"--site: '{site}' is not a site made by 'sprx publish'")
            _run(site, host, port, max_connections, header_timeout, workers)
            return
        with tempfile.TemporaryDirectory(prefix="sprx-serve-") as tmp:
            _run(_publish_registry(reg, Path(tmp) / "site"), host, port, max_connections, header_timeout, workers)


def _publish_registry(reg: RegistryArgs, target: Path) -> Path:
    """The folder's registry, validated and published into `target` (as `sprx publish` would)."""
    from ..registry.validate import InvalidRegistry
    from ..site.publish import PublishError, publish
    from .common import publish_options, refuse, said

    s = settings()
    sources = reg.sources(s)
    typer.echo("Building the site and its API store from the registry...", err=True)
    try:
        publish(sources, target, publish_options(s, reg))
    except InvalidRegistry as exc:
        refuse(exc)
    except PublishError as exc:
        fail(f"sprx serve: {said(exc)}")
    return target


def _listening(site: Path, host: str, bound: int, workers: int) -> None:
    from ..serve.app import API

    where = f"[{host}]" if ":" in host else host
    processes = f"{workers} workers; " if workers > 1 else ""
    typer.echo(f"Serving {site} at http://{where}:{bound}/ ; the Open Referral UK API is at "
               f"http://{where}:{bound}{API} ({processes}Ctrl+C stops)")


def _run(site: Path, host: str, port: int, max_connections: int | None, header_timeout: float,
         workers: int) -> None:
    import uvicorn

    from ..serve.connections import default_max_connections

    cap = max_connections or default_max_connections()

    def config(app, http, **more) -> uvicorn.Config:
        return uvicorn.Config(app, http=http, host=host, port=port, log_level="warning", access_log=False,
                              lifespan="off", server_header=False,
                              limit_concurrency=cap + 1, **more)  # (uvicorn answers 503 at its limit: ours is past cap)

    if workers > 1:
        _run_workers(site, workers, config("sprx_cli.serve.asgi:worker_app", "sprx_cli.serve.asgi:Protocol",
                                           factory=True, workers=workers), header_timeout, cap)
        return
    from ..serve.app import make_app
    from ..serve.connections import guarded_protocol

    class Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets)
            if self.started:
                _listening(site, host, self.servers[0].sockets[0].getsockname()[1], 1)

    single = config(make_app(site), guarded_protocol(header_timeout, cap))

    def stop(signum, frame) -> None:  # uvicorn shuts down, then raises the signal again: end here, tidily
        raise Stopped()

    before = signal.signal(signal.SIGTERM, stop)
    try:
        Server(single).run()
    except (Stopped, KeyboardInterrupt):
        typer.echo("Stopped.", err=True)
    except SystemExit:  # uvicorn could not listen (it has said why)
        fail(f"sprx serve: cannot listen on {host}:{port}")
    finally:
        signal.signal(signal.SIGTERM, before)


def _run_workers(site: Path, workers: int, config, header_timeout: float, cap: int) -> None:
    """Bind once here, then uvicorn's supervisor starts `workers` processes on that socket, each
    making the application from the environment (serve/asgi.py), and restarts any that dies."""
    import inspect
    import os

    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    from ..serve.asgi import environment

    os.environ.update(environment(site, header_timeout, cap))  # (inherited by the spawned workers)
    try:
        sock = config.bind_socket()
    except SystemExit:  # uvicorn could not listen (it has said why)
        fail(f"sprx serve: cannot listen on {config.host}:{config.port}")
    sock.listen(config.backlog)  # (now: a request before the workers are up waits for them, not refused)
    _listening(site, config.host, sock.getsockname()[1], workers)
    if "target" in inspect.signature(Multiprocess).parameters:  # (uvicorn before 0.36 took the target too)
        import uvicorn

        supervisor = Multiprocess(config, target=uvicorn.Server(config).run, sockets=[sock])  # type: ignore[call-arg]
    else:
        supervisor = Multiprocess(config, sockets=[sock])
    try:
        supervisor.run()  # (until SIGINT or SIGTERM, or a worker fails to start: then it stops them all)
    finally:
        sock.close()
    if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
        fail("sprx serve: a worker could not start (said above); stopped")
    typer.echo("Stopped.", err=True)


class Stopped(Exception):
    """SIGTERM: the server has shut down."""
