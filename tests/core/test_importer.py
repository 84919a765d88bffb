"""`knowledge add`: real pages and PDFs served from 127.0.0.1, real files, the real article loader and checker."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from webpages import ARTICLE_PARAGRAPHS, BOILERPLATE, LocalWeb, Route, article_html, make_pdf

from bot.core.knowledge.articles import load_articles
from bot.core.knowledge.check import check_knowledge
from bot.core.knowledge.importer import FetchLimits, ImportRefused, Overrides, add_article

REPO = Path(__file__).resolve().parents[2]
OTHER_STORY = (
    "La Banque centrale européenne a publié une note sur la productivité des entreprises qui adoptent des robots industriels. "
    "Elle observe des gains concentrés dans l'automobile et la chimie, et des effets modestes sur les salaires.",
    "Les auteurs recommandent de mesurer plus finement la diffusion de ces technologies dans les petites entreprises.",
)
PDF_LINES = [
    "Rapport sur l'automatisation des emplois de bureau en Europe.",
    "Les économistes débattent des effets de l'intelligence",
    "artificielle sur l'emploi de bureau. Selon une étude récente, une par-",
    "tie des tâches comptables serait automatisée d'ici dix ans.",
    "D'autres chercheurs estiment que de nouveaux métiers apparaîtront dans",
    "l'analyse de données et la supervision des systèmes automatisés.",
]


@pytest.fixture(scope="module")
def web():
    with LocalWeb() as server:
        s = server.url
        server.routes.update({
            "/article.html": Route(article_html(canonical=s("/article.html"))),
            "/same-elsewhere.html": Route(article_html(title="Intelligence artificielle : l'emploi en question", site="Autre Site",
                                                       extra="<p>Une phrase de plus ajoutée par ce second site.</p>")),
            "/other.html": Route(article_html(title="Robots et productivité", paragraphs=OTHER_STORY, site=None, published=None)),
            "/report.pdf": Route(make_pdf(PDF_LINES, title="Rapport : l'automatisation des emplois de bureau"), "application/pdf"),
            "/notes.txt": Route((" ".join(OTHER_STORY) + "\n").encode(), "text/plain; charset=utf-8"),
            "/moved": Route(status=301, headers={"Location": "/article.html"}),
            "/to-ftp": Route(status=302, headers={"Location": "ftp://127.0.0.1/article.html"}),
            "/to-file": Route(status=302, headers={"Location": "file:///etc/passwd"}),
            "/error": Route(b"boom", status=500),
            "/gone": Route(b"gone", status=410),
            "/logo.png": Route(b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png"),
            "/big.html": Route(b"<p>x</p>" * 20_000),
            "/big-unsized.html": Route(b"<p>x</p>" * 20_000, chunked=True),
            "/slow.html": Route(article_html(), delay_s=2.0),
            "/empty-shell.html": Route(b"<html><body><div id='app'></div><script>render()</script></body></html>"),
        })
        yield server


@pytest.fixture
def kdir(tmp_path) -> Path:
    """A knowledge folder with the five real articles, debates and facts."""
    dst = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", dst)
    return dst


def add(source, kdir, **kw):
    return add_article(source, kdir, kdir.parent, **kw)


def test_html_page_becomes_an_article_without_boilerplate(web, kdir):
    done = add(web.url("/article.html"), kdir)
    text = done.path.read_text(encoding="utf-8")
    for paragraph in ARTICLE_PARAGRAPHS:
        assert paragraph in text
    for noise in BOILERPLATE:
        assert noise not in text
    assert done.front_matter == {
        "id": "l-ia-et-l-emploi-ce-que-disent-les-economistes",
        "title": "L'IA et l'emploi : ce que disent les économistes",
        "language": "fr", "outlet": "Le Quotidien", "published": "2024-03-05", "url": web.url("/article.html"),
    }
    assert done.source == "knowledge/articles/l-ia-et-l-emploi-ce-que-disent-les-economistes.md"
    assert "wrote knowledge/articles/l-ia-et-l-emploi" in done.describe() and "outlet: Le Quotidien" in done.describe()
    [art] = [a for a in load_articles(kdir, kdir.parent).articles if a.id == done.article_id]
    assert art.url == web.url("/article.html") and art.outlet == "Le Quotidien" and art.published == "2024-03-05"
    report = check_knowledge(kdir, kdir.parent)
    assert report.articles == 6 and report.problems == []


def test_overrides_win_and_the_host_is_the_outlet_without_site_name(web, kdir):
    done = add(web.url("/other.html"), kdir, overrides=Overrides(date="2023-11", lang="fr", tags=("robots", "bce")))
    fm = done.front_matter
    assert fm["outlet"] == "127.0.0.1" and fm["published"] == "2023-11" and fm["tags"] == ["robots", "bce"]
    assert fm["title"] == "Robots et productivité"
    done2 = add(web.url("/report.pdf"), kdir, overrides=Overrides(title="Mon titre", outlet="OIT", date="2024-01-15", lang="en"))
    assert {k: done2.front_matter[k] for k in ("title", "outlet", "published", "language")} == {
        "title": "Mon titre", "outlet": "OIT", "published": "2024-01-15", "language": "en"}
    assert done2.article_id == "mon-titre"


def test_pdf_text_is_reflowed_into_sentences(web, kdir):
    done = add(web.url("/report.pdf"), kdir)
    [art] = [a for a in load_articles(kdir, kdir.parent).articles if a.id == done.article_id]
    assert "l'intelligence artificielle sur l'emploi de bureau" in art.body  # line break joined
    assert "une partie des tâches comptables serait automatisée d'ici dix ans." in art.body  # hyphenation undone
    assert art.title == "Rapport : l'automatisation des emplois de bureau"
    assert art.published == "2024-01-15" and art.language == "fr" and art.outlet == "127.0.0.1"


def test_same_url_and_near_identical_text_are_refused(web, kdir):
    first = add(web.url("/article.html"), kdir)
    before = sorted(p.name for p in (kdir / "articles").iterdir())
    for again in ("/article.html?utm_source=newsletter", "/article.html/#comments", "/moved"):
        with pytest.raises(ImportRefused, match="same URL") as err:
            add(web.url(again), kdir)
        assert first.source in str(err.value)
    with pytest.raises(ImportRefused, match="near-identical to knowledge/articles/l-ia-et-l-emploi"):
        add(web.url("/same-elsewhere.html"), kdir)  # other URL, other title, other boilerplate: same article
    assert sorted(p.name for p in (kdir / "articles").iterdir()) == before
    assert add(web.url("/other.html"), kdir).written  # a different story on the same subject is welcome


def test_a_title_already_used_is_refused_with_the_way_out(web, kdir):
    add(web.url("/article.html"), kdir)
    with pytest.raises(ImportRefused, match="--title"):
        add(web.url("/notes.txt"), kdir, overrides=Overrides(title="L'IA et l'emploi : ce que disent les économistes"))


@pytest.mark.parametrize("path, message", [
    ("/error", "HTTP 500"),
    ("/gone", "HTTP 410"),
    ("/missing", "HTTP 404 Not Found (check the address)"),
    ("/logo.png", "content type: image/png"),
    ("/to-ftp", "redirects to a ftp: address"),
    ("/to-file", "redirects to a file: address"),
    ("/big.html", "more than the 0.1 MB limit"),
    ("/big-unsized.html", "larger than the 0.1 MB limit"),
    ("/slow.html", "no answer within 0.5 s"),
    ("/empty-shell.html", "characters of article text found"),
])
def test_download_problems_are_explained(web, kdir, path, message):
    with pytest.raises(ImportRefused) as err:
        add(web.url(path), kdir, limits=FetchLimits(timeout_s=0.5, max_bytes=100_000))
    assert message in str(err.value)
    assert len(list((kdir / "articles").iterdir())) == 5


@pytest.mark.parametrize("source, message", [
    ("gopher://example.org/x", r"not an http\(s\) URL"),
    ("file:///etc/passwd", r"not an http\(s\) URL"),
    ("nowhere.html", "no such file"),
])
def test_bad_sources_are_refused(kdir, tmp_path, source, message):
    with pytest.raises(ImportRefused, match=message):
        add(source if "://" in source else str(tmp_path / source), kdir)


def test_local_files_html_pdf_markdown_text(kdir, tmp_path):
    (tmp_path / "page.html").write_bytes(article_html(canonical="https://www.exemple.fr/eco/ia-emploi/"))
    (tmp_path / "rapport.pdf").write_bytes(make_pdf(PDF_LINES, title=None, created=None))
    (tmp_path / "robots.md").write_text("---\ntitle: Robots et productivité\noutlet: BCE\npublished: 2023-10-02\n---\n"
                                        + "\n\n".join(OTHER_STORY) + "\n", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    html = add(str(tmp_path / "page.html"), kdir)
    assert html.front_matter["url"] == "https://www.exemple.fr/eco/ia-emploi/" and html.front_matter["outlet"] == "Le Quotidien"
    pdf = add(str(tmp_path / "rapport.pdf"), kdir)
    assert pdf.front_matter["title"] == "Rapport sur l'automatisation des emplois de bureau en Europe."  # first line
    assert "published" not in pdf.front_matter and "url" not in pdf.front_matter
    md = add(str(tmp_path / "robots.md"), kdir)
    assert {k: md.front_matter[k] for k in ("title", "outlet", "published")} == {
        "title": "Robots et productivité", "outlet": "BCE", "published": "2023-10-02"}
    assert md.path.read_text(encoding="utf-8").endswith("\n\n".join(OTHER_STORY) + "\n")  # the text itself, verbatim
    with pytest.raises(ImportRefused, match="unsupported file type .docx"):
        add(str(tmp_path / "notes.docx"), kdir)
    assert check_knowledge(kdir, kdir.parent).problems == []


def test_bad_overrides_and_short_text(kdir, tmp_path):
    note = tmp_path / "court.txt"
    note.write_text("Trop court.", encoding="utf-8")
    with pytest.raises(ImportRefused, match="only 11 characters"):
        add(str(note), kdir)
    note.write_text(" ".join(OTHER_STORY), encoding="utf-8")
    with pytest.raises(ImportRefused, match="--date '5 mars'"):
        add(str(note), kdir, overrides=Overrides(date="5 mars"))
    with pytest.raises(ImportRefused, match="--lang 'french'"):
        add(str(note), kdir, overrides=Overrides(lang="french"))


def test_slug_is_stable_and_never_overwrites(kdir, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("Robots et productivité\n\n" + OTHER_STORY[0], encoding="utf-8")
    dry = add(str(a), kdir, dry_run=True)
    assert not dry.written and not dry.path.exists() and "would write" in dry.describe()
    first = add(str(a), kdir)
    assert first.article_id == dry.article_id == "robots-et-productivite"
    b = tmp_path / "b.txt"
    b.write_text("Robots et productivité\n\n" + OTHER_STORY[1] + " Une autre histoire, avec d'autres chiffres et d'autres sources.", encoding="utf-8")
    second = add(str(b), kdir, overrides=Overrides(title="Robots et productivité, la suite"))
    assert second.article_id == "robots-et-productivite-la-suite"
    (kdir / "articles" / "robots-et-productivite-la-suite.md").rename(kdir / "articles" / "_aside.md")  # hidden: not loaded
    (kdir / "articles" / "robots-et-productivite-la-suite.md").write_text("occupied", encoding="utf-8")
    third = add(str(b), kdir, overrides=Overrides(title="Robots et productivité, la suite"))
    assert third.article_id.startswith("robots-et-productivite-la-suite-") and len(third.article_id) == len("robots-et-productivite-la-suite") + 7
    assert (kdir / "articles" / "robots-et-productivite-la-suite.md").read_text(encoding="utf-8") == "occupied"
