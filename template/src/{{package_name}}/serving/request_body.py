"""Reading a request's body safely, whatever the client sends.

`request.get_json()` is right for friendly clients. A public service also
meets broken and hostile ones, and each must get a clear JSON answer, not a
500, a hung worker or a reset connection:

- a body over MAX_BODY_BYTES gets a 413, whether it announced its size
  (Content-Length) or not (Transfer-Encoding: chunked, sent in pieces);
- JSON nested thousands of levels deep (`[[[[...`) gets a 400: Python's JSON
  reader would raise RecursionError, a 500;
- a body that stops arriving (a client announced more bytes than it sends)
  gets a 408 once the server's CLIENT_TIMEOUT (gunicorn.conf.py) has passed,
  and one in broken chunks a 400;
- a body the service answers without reading (a 413, a 404 ...) is read and
  thrown away before the answer goes out, up to a bound, so that a client that
  sends its whole body before it reads (Python's urllib and requests do) gets
  the answer instead of "connection reset".
"""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any

from flask import Response, current_app, request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from .errors import ApiError

# An unread body is thrown away up to this many times MAX_BODY_BYTES, for at
# most this many seconds: enough for a client that sent a little too much, not
# a way to keep a worker thread busy forever.
DISCARD_FACTOR = 10
DISCARD_SECONDS = 5.0
DISCARD_IDLE_SECONDS = 1.0  # no new bytes for this long: the client has stopped sending
READ_SIZE = 64 * 1024


def read_body() -> bytes:
    """The whole request body; a 413 when it is over MAX_BODY_BYTES, a 408 when it stalls."""
    limit = current_app.config["MAX_BODY_BYTES"]
    try:
        # With a Content-Length over the limit this is a 413 before reading.
        # Without one (chunked), Werkzeug quietly stops at the limit ...
        data = request.get_data(cache=True)
        # ... so a body that filled the limit is too large if one more byte follows.
        if request.content_length is None and len(data) >= limit and request.input_stream.read(1):
            raise RequestEntityTooLarge()
    except RequestEntityTooLarge:
        raise  # a 413, answered by errors.py
    except (ClientDisconnected, OSError):
        # The client went silent for CLIENT_TIMEOUT seconds, or away, mid-body.
        raise ApiError(
            408, "the request body stopped arriving before its end: send the whole body at once"
        ) from None
    except Exception as problem:
        # The server could not take the body apart, e.g. broken chunks: the
        # client's mistake, so a 400 (a 500 would say the service has a bug).
        raise ApiError(400, f"the request body is not valid HTTP: {problem}") from None
    return data


def read_json() -> Any:
    """The request's JSON, or a 400 that says how to send it."""
    if not request.is_json:
        raise ApiError(400, "send the body as JSON with the header Content-Type: application/json")
    body = read_body()
    try:
        return json.loads(body)
    except RecursionError:
        # Each level of [ or { is one level of recursion in Python's reader.
        raise ApiError(
            400,
            "the request body is not valid JSON here: it is nested too deeply "
            '(send {"features": {...}}, a flat object of name: value)',
        ) from None
    except ValueError:  # not JSON, or bytes that are not text (UnicodeDecodeError)
        raise ApiError(400, "the request body is not valid JSON") from None


def discard_unread_body(response: Response) -> Response:
    """Before answering, read what is left of the request body and throw it away.

    Registered with `app.after_request`, so it runs before every answer. A
    client such as urllib sends its whole body before it reads the answer.
    If the server answered early (a 413 from the headers alone) and closed the
    connection with bytes still unread, the operating system would reset the
    connection, and the client would see "connection reset", not the answer.
    """
    sock = request.environ.get("gunicorn.socket")
    if sock is None or not request.environ.get("wsgi.input_terminated"):
        # Only gunicorn's input is known to end with the body, however it is
        # framed; elsewhere (the test client) reading on could wait forever.
        return response
    if response.status_code == 408:
        return response  # the client stopped sending: there is nothing to wait for
    limit = DISCARD_FACTOR * current_app.config["MAX_BODY_BYTES"]
    if (request.content_length or 0) > limit:
        return response  # too much to wait for: gunicorn closes the connection
    try:
        read_and_discard(request.input_stream, sock, limit)
    finally:
        sock.settimeout(None)  # as gunicorn left it: it times out reads itself
    return response


def read_and_discard(stream: Any, sock: Any, limit: int) -> None:
    """Read `stream` to its end, to at most `limit` bytes and DISCARD_SECONDS.

    A client that sends nothing for DISCARD_IDLE_SECONDS is done sending (or
    never meant to): stop, and let it have the answer.
    """
    deadline = time.monotonic() + DISCARD_SECONDS
    # A silent (socket.timeout), gone or garbled client: stop and answer anyway.
    with contextlib.suppress(Exception):
        while limit > 0:
            time_left = deadline - time.monotonic()
            if time_left <= 0:
                return
            sock.settimeout(min(DISCARD_IDLE_SECONDS, time_left))
            chunk = stream.read(min(READ_SIZE, limit))
            if not chunk:
                return
            limit -= len(chunk)
