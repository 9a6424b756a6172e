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
) -> None:
    """Serve the Open Referral UK 3.0 API at /oruk and the published map and index at /.

    Give http://HOST:PORT/oruk to the Open Referral UK validator or to another directory. Needs
    the serve extra (pip install "sprx[serve]"). Stops with Ctrl+C.

    Example: sprx serve --site public --port 8080
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
            _run(site, host, port, max_connections, header_timeout)
            return
        with tempfile.TemporaryDirectory(prefix="sprx-serve-") as tmp:
            _run(_publish_registry(reg, Path(tmp) / "site"), host, port, max_connections, header_timeout)


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


def _run(site: Path, host: str, port: int, max_connections: int | None, header_timeout: float) -> None:
    import uvicorn

    from ..serve.app import API, make_app
    from ..serve.connections import default_max_connections, guarded_protocol

    cap = max_connections or default_max_connections()

    class Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets)
            if self.started:
                bound = self.servers[0].sockets[0].getsockname()[1]
                where = f"[{host}]" if ":" in host else host
                typer.echo(f"Serving {site} at http://{where}:{bound}/ ; the Open Referral UK API is at "
                           f"http://{where}:{bound}{API} (Ctrl+C stops)")

    config = uvicorn.Config(make_app(site), host=host, port=port, log_level="warning", access_log=False,
                            lifespan="off", server_header=False, http=guarded_protocol(header_timeout, cap),
                            limit_concurrency=cap + 1)  # (uvicorn answers 503 at its limit: ours is past cap)

    def stop(signum, frame) -> None:  # uvicorn shuts down, then raises the signal again: end here, tidily
        raise Stopped()

    before = signal.signal(signal.SIGTERM, stop)
    try:
        Server(config).run()
    except (Stopped, KeyboardInterrupt):
        typer.echo("Stopped.", err=True)
    except SystemExit:  # uvicorn could not listen (it has said why)
        fail(f"sprx serve: cannot listen on {host}:{port}")
    finally:
        signal.signal(signal.SIGTERM, before)


class Stopped(Exception):
    """SIGTERM: the server has shut down."""
