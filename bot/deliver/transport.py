"""PTB's HTTP transport over aiohttp instead of httpx.

Why: measured against the fake Bot API answering in 20-60 ms, 60 sends in flight through
PTB's default ``HTTPXRequest`` cost 9.4 ms of CPU each and peaked at 105 msg/s: httpcore's
pool checks every pooled connection (a ``getpeername`` and a ``poll`` each) on every request.
The same sends through this class cost 0.87 ms each and reached 1,048 msg/s. At Telegram's
free 30 msg/s either would do; a paid broadcast at 1,000 msg/s needs this one.

Bodies are JSON (uploads multipart). Errors map as PTB's own transport maps them: a timeout
is ``TimedOut``, any other failure
to talk to the server ``NetworkError``; answers (including 4xx and 5xx) go back to PTB as
status and body, and PTB turns them into its exceptions.
"""

from __future__ import annotations

import json

import aiohttp
import yarl
from aiohttp.helpers import get_env_proxy_for_url
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_TIMEOUT = 5.0  # seconds, as HTTPXRequest's defaults: connect, read, write
MEDIA_WRITE_TIMEOUT = 20.0  # uploads take longer
JSON_HEADERS = {"Content-Type": "application/json"}
Proxy = tuple[yarl.URL, aiohttp.BasicAuth | None]  # the proxy's URL and its credentials


class AiohttpRequest(BaseRequest):
    """One aiohttp session with up to ``connection_pool_size`` connections."""

    def __init__(
        self, connection_pool_size: int = 256, read_timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._session: aiohttp.ClientSession | None = None
        # HTTPS_PROXY / NO_PROXY, read once per scheme and host: aiohttp's trust_env reads
        # them (and ~/.netrc, twice) in a worker thread on every request, two thread hops
        # a send that cost more CPU than the send itself at 1,000 msg/s.
        self._proxies: dict[tuple[str, str], Proxy | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        write_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        connect_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
        pool_timeout: float | object | None = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read = _seconds(read_timeout, self._read_timeout)
        connect = _seconds(connect_timeout, DEFAULT_TIMEOUT)
        pool = _seconds(pool_timeout, 1.0)
        write = _seconds(write_timeout, MEDIA_WRITE_TIMEOUT if files else DEFAULT_TIMEOUT)
        # aiohttp has no write timeout of its own: the whole request gets all four at most.
        parts = [t for t in (read, connect, pool, write) if t is not None]
        timeout = aiohttp.ClientTimeout(
            total=sum(parts) if len(parts) == 4 else None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_read=read,
        )
        body: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None and files:
            body = _form(request_data)
        elif request_data is not None:
            # JSON, which the Bot API takes for everything but uploads: encoding a card's
            # Korean text as a form (percent-escaped byte by byte) cost more than the send.
            body = json.dumps(request_data.parameters, ensure_ascii=False).encode()
            headers = JSON_HEADERS
        proxy, proxy_auth = self._proxy(url) or (None, None)
        try:
            async with self._session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=timeout,
                proxy=proxy,
                proxy_auth=proxy_auth,
            ) as answer:
                return answer.status, await answer.read()
        except TimeoutError as error:
            raise TimedOut from error
        except (aiohttp.ClientError, OSError) as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {error}") from error

    def _proxy(self, url: str) -> Proxy | None:
        """The proxy the environment names for ``url``, as httpx honours HTTPS_PROXY and
        NO_PROXY; None: connect directly."""
        parsed = yarl.URL(url)
        key = (parsed.scheme, parsed.host or "")
        if key not in self._proxies:
            try:
                self._proxies[key] = get_env_proxy_for_url(parsed)
            except LookupError:
                self._proxies[key] = None
        return self._proxies[key]


def _seconds(value: float | object | None, default: float | None) -> float | None:
    return default if isinstance(value, type(BaseRequest.DEFAULT_NONE)) else value  # type: ignore[return-value]


def _form(request_data: RequestData) -> aiohttp.FormData:
    """Parameters and files as one multipart body, as Telegram takes uploads."""
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, part in request_data.multipart_data.items():
        filename, content, mimetype = part  # type: ignore[misc]
        if not isinstance(content, bytes):
            content = content.read()
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
