"""Test helpers for `knowledge add`: a local HTTP server on 127.0.0.1 and small documents (HTML page, PDF)."""

from __future__ import annotations

import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE_PARAGRAPHS = (
    "Les économistes débattent depuis des années des effets de l'intelligence artificielle sur l'emploi. "
    "Selon une étude de l'Organisation internationale du travail, une partie des tâches administratives pourrait être automatisée.",
    "D'autres chercheurs estiment au contraire que de nouveaux métiers apparaîtront, comme lors des révolutions industrielles précédentes. "
    "Ils rappellent que l'arrivée de l'informatique n'a pas provoqué de chômage de masse.",
    "La question de la redistribution des gains de productivité reste entière : qui profitera des économies réalisées, "
    "les actionnaires, les salariés ou les consommateurs ?",
)
BOILERPLATE = ("Accueil", "Nous utilisons des cookies", "Commentaire de Jean", "Mentions légales", "Abonnez-vous à la newsletter")


def article_html(title: str = "L'IA et l'emploi : ce que disent les économistes", paragraphs=ARTICLE_PARAGRAPHS, *,
                 site: str | None = "Le Quotidien", published: str | None = "2024-03-05T10:00:00+01:00",
                 canonical: str | None = None, extra: str = "") -> bytes:
    meta = [f'<meta property="og:title" content="{title}">']
    if site:
        meta.append(f'<meta property="og:site_name" content="{site}">')
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    if canonical:
        meta.append(f'<link rel="canonical" href="{canonical}">')
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title} | {site or 'Site'}</title>{''.join(meta)}</head>
<body><header><nav><a href="/">Accueil</a> <a href="/eco">Économie</a> <a href="/abo">Abonnez-vous à la newsletter</a></nav></header>
<div id="cookie-banner" class="cookie-consent">Nous utilisons des cookies pour améliorer votre expérience. <button>Accepter</button></div>
<main><article><h1>{title}</h1>{body}{extra}</article></main>
<section id="comments" class="comments"><h3>Commentaires</h3><div class="comment"><p>Commentaire de Jean : super article, merci !</p></div></section>
<footer><p>© Le Quotidien 2024 — Mentions légales — Contact</p></footer></body></html>"""
    return page.encode("utf-8")


def make_pdf(lines: list[str], *, title: str | None = None, created: str | None = "D:20240115093000+01'00'") -> bytes:
    """A one-page PDF with real text (Helvetica, WinAnsi encoding), written with pypdf."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})

    def esc(text: str) -> bytes:
        return text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    ops = b"BT /F1 11 Tf 14 TL 50 800 Td " + b" ".join(b"(" + esc(line) + b") Tj T*" for line in lines) + b" ET"
    stream = DecodedStreamObject()
    stream.set_data(ops)
    page[NameObject("/Contents")] = writer._add_object(stream)
    info = {}
    if title:
        info["/Title"] = title
    if created:
        info["/CreationDate"] = created
    if info:
        writer.add_metadata(info)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


class Route:
    def __init__(self, body: bytes = b"", content_type: str = "text/html; charset=utf-8", status: int = 200,
                 headers: dict | None = None, delay_s: float = 0.0, chunked: bool = False):
        self.body, self.content_type, self.status = body, content_type, status
        self.headers, self.delay_s, self.chunked = headers or {}, delay_s, chunked


class LocalWeb:
    """A ThreadingHTTPServer on 127.0.0.1 (free port) serving `routes` (path -> Route)."""

    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        web = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):  # noqa: N802 - the http.server API
                web.hits.append(self.path)
                route = web.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                if route.delay_s:
                    time.sleep(route.delay_s)
                self.send_response(route.status)
                if route.content_type:
                    self.send_header("Content-Type", route.content_type)
                for k, v in route.headers.items():
                    self.send_header(k, v)
                if not route.chunked and "Content-Length" not in route.headers:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):  # the client stopped reading (size limit)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> "LocalWeb":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
