"""A small OpenAI-compatible chat-completions server on 127.0.0.1, for provider-fault tests.

`server.behaviour` says what the next requests get:
  ok        a chat completion whose content is `server.content`
  slow      the same after `server.delay_s` seconds
  http_500  an OpenAI-style JSON error, status 500
  http_429  status 429 with a Retry-After header
  garbage   status 200 with a body that is not JSON
  prose     a valid chat completion whose content is plain prose (not the JSON asked for)
A list of behaviours is consumed one per request (the last one repeats).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAIServer:
    def __init__(self) -> None:
        self.behaviour: str | list[str] = "ok"
        self.content = "{}"
        self.delay_s = 5.0
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._release = threading.Event()  # set on stop: slow handlers return at once
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> "FakeOpenAIServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def next_behaviour(self, body: dict) -> str:
        with self._lock:
            self.requests.append(body)
            if isinstance(self.behaviour, list):
                return self.behaviour.pop(0) if len(self.behaviour) > 1 else self.behaviour[0]
            return self.behaviour


def _completion(content: str, model: str) -> dict:
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content, "refusal": None}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def _handler(server: FakeOpenAIServer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep the test output clean
            pass

        def _send(self, status: int, body: bytes, content_type: str = "application/json", headers: dict | None = None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            behaviour = server.next_behaviour(body)
            model = body.get("model", "test-model")
            if behaviour == "slow":
                server._release.wait(server.delay_s)
                behaviour = "ok"
            if behaviour == "ok":
                self._send(200, json.dumps(_completion(server.content, model)).encode())
            elif behaviour == "prose":
                self._send(200, json.dumps(_completion("Je pense que c'est une excellente idée.", model)).encode())
            elif behaviour == "garbage":
                self._send(200, b"<html>502 Bad Gateway</html>\x00\xff", content_type="text/html")
            elif behaviour in ("http_500", "http_429"):
                status = 500 if behaviour == "http_500" else 429
                error = {"error": {"message": f"simulated {status}", "type": "server_error", "code": None}}
                headers = {"Retry-After": "0"} if status == 429 else {}
                self._send(status, json.dumps(error).encode(), headers=headers)
            else:
                raise AssertionError(f"unknown behaviour {behaviour!r}")

    return Handler
