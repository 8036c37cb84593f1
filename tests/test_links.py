"""Links and credits: each paragraph's links kept, and links and credit lines read as credits of outlets."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from provenance.attribution import outlets_named
from provenance.cli import cli
from provenance.config import AuditConfig
from provenance.credits import credits_of_posts, extract_credits, names_its_site
from provenance.dedup import find_duplicates
from provenance.graph import build_graph, format_chain, provenance_chain
from provenance.ingest import links as links_module
from provenance.ingest import read_corpus
from provenance.ingest.links import MAX_LINKS_PER_POST, link_domain
from provenance.models import ClassifiedLine, Link, Paragraph, Post, SourceRef
from provenance.outlets import builtin_aliases, load_aliases

PAGE = """<!doctype html>
<html><head><title>Storm hits coast - My Blog</title></head>
<body>
<nav><a href="/">Home</a> <a href="https://www.example.org/about">About</a></nav>
<article>
<h1>Storm hits coast</h1>
<p>A storm hit the coast on Tuesday, cutting power to thousands of homes along the shore.</p>
<p>The damage was the worst in a decade, as <a href="https://edition.cnn.com/2024/storm">CNN
showed</a> in pictures of the flooded roads and <a href="mailto:me@example.org">wrote me</a>.</p>
<p>Via <a href="https://www.bbc.co.uk/news/uk-123">BBC News</a></p>
</article>
<footer><a href="https://twitter.com/me">Twitter</a></footer>
</body></html>
"""

WXR_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
    "<channel>\n"
    "<title>Blog</title>\n"
)
WXR_TAIL = "</channel>\n</rss>\n"


def wxr_item(name: str, content: str, date: str = "2017-07-14 10:00:00") -> str:
    return (
        "<item>\n"
        f"<title>{name}</title>\n"
        f"<link>https://example.org/{name}</link>\n"
        f"<content:encoded><![CDATA[{content}]]></content:encoded>\n"
        f"<wp:post_date>{date}</wp:post_date>\n"
        f"<wp:post_name>{name}</wp:post_name>\n"
        "<wp:status>publish</wp:status>\n"
        "<wp:post_type>post</wp:post_type>\n"
        "</item>\n"
    )


WXR_BODY = (
    "The ministry denied the report on Monday and promised an inquiry into the leak.\n\n"
    'Officials spoke to <a href="https://www.reuters.com/world/x">the agency</a> about it.\n\n'
    '(via <a href="http://edition.cnn.com/x">CNN</a>)\n\n'
    '[caption id="a1"]<a href="https://example.org/img.jpg"><img src="x.jpg"/></a> A photo[/caption]'
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def post_with(*paragraphs: str, links: tuple[Link, ...] = (), notes: tuple[ClassifiedLine, ...] = ()) -> Post:
    return Post(
        id="p",
        title="A post",
        date=None,
        source=SourceRef("dump.html", 1, 1),
        citation=None,
        paragraphs=tuple(Paragraph(i, 10 + i, text) for i, text in enumerate(paragraphs)),
        notes=notes,
        links=links,
    )


def how(*paragraphs: str, links: tuple[Link, ...] = ()) -> list[tuple[str, str]]:
    return [
        (c.outlet, c.how) for c in extract_credits(post_with(*paragraphs, links=links), builtin_aliases())
    ]


# --------------------------------------------------------------------------
# links kept by the readers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://WWW.BBC.co.uk:443/news", "bbc.co.uk"),
        ("http://edition.cnn.com/x?y=1#z", "edition.cnn.com"),
        (" https://user:pw@www2.example.org./a ", "www2.example.org"),
        ("/about", None),
        ("#top", None),
        ("mailto:me@example.org", None),
        ("javascript:void(0)", None),
        ("//cdn.example.com/x.js", None),
        ("ftp://files.example.org/x", None),
        ("http://[::1/broken", None),
        ("https://", None),
    ],
)
def test_only_http_links_are_kept_with_their_host_lower_cased_without_www(
    url: str, domain: str | None
) -> None:
    """A link's domain is its host, lower-cased, without "www." or port; other links have none."""
    assert link_domain(url.strip()) == domain


@given(st.text(max_size=80))
def test_link_domain_never_raises_and_is_folded(url: str) -> None:
    """Any text at all gives a folded domain or None, never an exception."""
    domain = link_domain(url)
    assert domain is None or (domain == domain.lower() and not domain.startswith("www."))


def test_a_saved_page_keeps_each_paragraphs_links(tmp_path: Path) -> None:
    """Links carry their paragraph, url, domain, text and line; navigation links are -1; mailto is dropped."""
    (post,) = read_corpus([write(tmp_path, "page.html", PAGE)]).posts
    assert [(k.paragraph, k.domain, k.text, k.line) for k in post.links] == [
        (-1, "example.org", "About", 4),
        (1, "edition.cnn.com", "CNN showed", 8),
        (2, "bbc.co.uk", "BBC News", 10),
        (-1, "twitter.com", "Twitter", 12),
    ]
    assert post.paragraphs[2].text == "Via BBC News"
    assert post.links[1].url == "https://edition.cnn.com/2024/storm"


def test_a_wordpress_post_keeps_each_paragraphs_links_and_a_captions_as_minus_one(tmp_path: Path) -> None:
    """Body links belong to their paragraph (with the line they are on); a caption's link is -1."""
    path = write(tmp_path, "export.xml", WXR_HEAD + wxr_item("storm", WXR_BODY) + WXR_TAIL)
    (post,) = read_corpus([path]).posts
    content_line = 8  # 4 lines of header, then <item>, <title>, <link>
    assert [(k.paragraph, k.domain, k.text, k.line) for k in post.links] == [
        (1, "reuters.com", "the agency", content_line + 2),
        (2, "edition.cnn.com", "CNN", content_line + 4),
        (-1, "example.org", "", content_line + 6),
    ]


def test_a_page_of_many_links_keeps_the_first_ones_and_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the limit links are counted, not kept, and the warning names the post and the count."""
    monkeypatch.setattr(links_module, "MAX_LINKS_PER_POST", 50)
    monkeypatch.setattr(links_module.LinkCollector.__init__, "__defaults__", (50,))
    anchors = "".join(f'<a href="https://site{n}.example.org/">link {n}</a> ' for n in range(120))
    content = f"Here are many links: {anchors}"
    path = write(tmp_path, "export.xml", WXR_HEAD + wxr_item("many", content) + WXR_TAIL)
    corpus = read_corpus([path])
    (post,) = corpus.posts
    assert [k.text for k in post.links] == [f"link {n}" for n in range(50)]
    assert any("has 120 links; kept the first 50" in w.message for w in corpus.warnings)


@pytest.mark.slow
def test_100000_links_keep_the_first_max_links(tmp_path: Path) -> None:
    """A post of 100,000 links keeps MAX_LINKS_PER_POST of them and says how many there were."""
    anchors = "".join(f'<a href="https://s{n}.example.org/">{n}</a> ' for n in range(100_000))
    path = write(tmp_path, "export.xml", WXR_HEAD + wxr_item("farm", anchors) + WXR_TAIL)
    corpus = read_corpus([path])
    assert len(corpus.posts[0].links) == MAX_LINKS_PER_POST
    assert any(f"has 100000 links; kept the first {MAX_LINKS_PER_POST}" in w.message for w in corpus.warnings)


def test_nested_anchors_keep_a_clipped_text_each(tmp_path: Path) -> None:
    """Anchors nested 100 deep (200 elements: libxml2 stops at 256) keep a short text each."""
    depth = 100
    page = (
        "<html><head><title>Deep</title></head><body><p>Intro paragraph of the page for the reader.</p>"
        + "".join(f'<div><a href="https://d{n}.example.org/">' for n in range(depth))
        + "word " * 20_000
        + "</a></div>" * depth
        + "</body></html>"
    )
    (post,) = read_corpus([write(tmp_path, "deep.html", page)]).posts
    assert len(post.links) == depth
    assert all(len(k.text) <= 300 for k in post.links)


# --------------------------------------------------------------------------
# credits
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Via BBC News", [("BBC", "via")]),
        ("The flood spread north. (via Reuters)", [("Reuters", "via")]),
        ("Source: The Daily Bugle", [("The Daily Bugle", "source")]),
        ("Sources – Gotham Gazette", [("Gotham Gazette", "source")]),
        ("H/T the Daily Planet", [("Daily Planet", "hat tip")]),
        ("Hat tip to Al Jazeera.", [("Al Jazeera", "hat tip")]),
        ("Originally published at The Conversation.", [("The Conversation", "originally published")]),
        ("This article first appeared in Foreign Policy.", [("Foreign Policy", "first published")]),
        ("First published by the Metro Herald", [("Metro Herald", "first published")]),
        ("Reprinted from the Jerusalem Post.", [("The Jerusalem Post", "reprinted")]),
        ("Republished with permission of Eurasia Review.", [("Eurasia Review", "reprinted")]),
        ("Cross-posted from Lawfare.", [("Lawfare", "cross-posted")]),
        ("Source: www.bbc.co.uk/news/world-123", [("BBC", "source")]),
        ("SOURCE: example-news.org", [("example-news.org", "source")]),
        ("Courtesy of Reuters.", [("Reuters", "courtesy")]),
        ("Copyright 2021 The Associated Press. All rights reserved.", [("Associated Press", "copyright")]),
        ("© Thomson Reuters 2021", [("Reuters", "copyright")]),
        ("WASHINGTON (AP) — The bank raised its rate.", [("Associated Press", "dateline")]),
        ("BEIRUT, Lebanon (Reuters) - Fighting resumed.", [("Reuters", "dateline")]),
        ("(AFP)", [("Agence France-Presse", "dateline")]),
        # An outlet of the table written in lower case after a cue.
        ("(h/t reuters)", [("Reuters", "hat tip")]),
        ("via the bbc", [("BBC", "via")]),
        ("source: new york times", [("The New York Times", "source")]),
        # A lead-in before the text it brings in.
        ("From Reuters:", [("Reuters", "lead-in")]),
        ("From Reuters: A suicide truck bomb exploded in Kabul.", [("Reuters", "lead-in")]),
        ("Excerpts from The Guardian — The talks went on.", [("The Guardian", "lead-in")]),
        ("An extract from the Long War Journal:", [("Long War Journal", "lead-in")]),
        ("from the bbc:", [("BBC", "lead-in")]),
        ("* From Al Jazeera - The ceasefire held.", [("Al Jazeera", "lead-in")]),
        # The forms news sites print under a story they took from another.
        ("Reuters contributed to this report.", [("Reuters", "contributed")]),
        (
            "Reuters and Agence France-Presse contributed to this report.",
            [("Reuters", "contributed"), ("Agence France-Presse", "contributed")],
        ),
        (
            "Associated Press writer Jane Doe contributed to this report.",
            [("Associated Press", "contributed")],
        ),
        ("Jane Doe and Reuters contributed to this report.", [("Reuters", "contributed")]),
        ("Reuters contributed reporting.", [("Reuters", "contributed")]),
        ("Bloomberg News contributed reporting from London.", [("Bloomberg", "contributed")]),
        (
            "The talks end Friday. The Associated Press contributed to this story.",
            [("Associated Press", "contributed")],
        ),
        ("Additional reporting by Agence France-Presse.", [("Agence France-Presse", "contributed")]),
        ("(With inputs from Reuters)", [("Reuters", "contributed")]),
        ("The talks end Friday. (With AFP)", [("Agence France-Presse", "contributed")]),
        ("(With AFP and Reuters)", [("Agence France-Presse", "contributed"), ("Reuters", "contributed")]),
        ("Reuters staff contributed to this report.", [("Reuters", "contributed")]),
        ("Read more at The Daily Telegraph.", [("The Telegraph", "read more")]),
        ("Read the full article at www.bbc.co.uk/news/world-123", [("BBC", "read more")]),
        ("Continue reading on Al Jazeera", [("Al Jazeera", "read more")]),
        ("This story was produced by the Texas Tribune.", [("Texas Tribune", "produced by")]),
        ("The talks end Friday.\n— Reuters", [("Reuters", "dateline")]),
        ("-- AP", [("Associated Press", "dateline")]),
        # A weak cue's line run on by the next one, a <br> between them (ingest joins them with a space).
        ("Via Reuters Photos by staff", [("Reuters", "via")]),
        ("H/T Al Jazeera Related Posts", [("Al Jazeera", "hat tip")]),
    ],
)
def test_a_credit_line_credits_the_outlet_named_after_it(text: str, expected: list[tuple[str, str]]) -> None:
    """Each credit cue, in any case, credits the name, domain or known outlet that follows it."""
    assert how("Body of the post.", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The badges are served via HTTPS to every site.",
        "We reach them from the level script via the API function.",
        "Found via this comment on the list.",
        "H/T John Smith",
        "via @jack",
        "The source code is on the wiki.",
        "Open source: the whole stack.",
        "The novel was first published in 1994 by a small press.",
        "Courtesy of John Smith",
        "Photo courtesy of Reuters",
        "Copyright © 2021 The Daily Blog. All rights reserved.",
        "WASHINGTON (Staff Writer) — The bank raised its rate.",
        "The minister (AP) — who else — spoke.",
        "(UN) - Fighting resumed.",
        "Sent to us via email.",
        "h/t my neighbour, who reads reuters every day",
        "via the sun deck",
        # "From" before a person, a day, a place or more than a name, or inside a sentence.
        "From John Smith: thanks for the tip.",
        "From Monday: the new rules apply.",
        "From Reuters' reporting on Kabul: a summary.",
        "From Reuters and others: a summary.",
        "We heard from Reuters: nothing at all.",
        "From Reuters, which broke the story, came this.",
        # The same forms before a person, a place or words that are no name, or inside a sentence.
        "John Smith contributed to this report.",
        "John Smith and Jane Doe contributed to this report.",
        "(With John Smith and Jane Doe)",
        "Jane Doe contributed reporting.",
        "Reuters contributed nothing to this report.",
        "Additional reporting by Jane Doe; editing by Tom Brown.",
        "We talked it over (with John) at length.",
        "(With inputs from agencies)",
        "Read more at our website.",
        "Read more at Christmas time.",
        "This story was written by John Smith.",
        "Officials said Reuters contributed to this report of theirs.",
        "The talks end Friday.\n— John Smith",
        "— Brussels",
        # A run whose start is no outlet of the table names nobody, whatever follows.
        "Via John Smith Reuters",
    ],
)
def test_via_in_running_text_and_a_person_after_a_weak_cue_credit_nobody(text: str) -> None:
    """ "via" inside a sentence, "H/T" or "Courtesy of" before a person, "source" as a word, a photo's
    credit, a site's own copyright, a dateline naming no news outlet of the table and a "From" that
    does not bring in a text under an outlet's name alone are no credits."""
    assert how(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "READ MORE: BBC presenter sacked after complaints",
        "Read more: Reuters journalist detained in Myanmar",
        "READ MORE: Guardian columnist quits over row",
        "Read more: CNN anchor leaves network",
        "Continue reading: The Guardian's view on the talks",
    ],
)
def test_a_headline_after_read_more_and_a_colon_credits_nobody(text: str) -> None:
    """ "READ MORE:" before a headline links to another story; a headline opening with an outlet's
    name ("BBC presenter sacked…") does not say the text came from it. After the colon the name must
    be all of its line or sentence."""
    assert how(text) == []
    assert how("Read more: The Hill.") == [("The Hill", "read more")]
    assert how("READ MORE: https://www.bbc.com/news/world-123") == [("BBC", "read more")]
    assert how("Read more on Reuters' coverage of Kabul") == [("Reuters", "read more")]


@pytest.mark.parametrize(
    "paragraphs",
    [
        ("Closed on\n- Sat\n- Sun",),
        ("My favourite news sources:\n- Reuters\n- The Guardian\n- BBC News",),
        ("Sources I read every day:", "- Reuters", "- Bloomberg"),
        ("Our shipping options are:", "- Standard", "- Express"),
        ("Shapes to draw: a circle, then a", "- Star"),
        ("Tomorrow's menu.", "— Mirror"),
    ],
)
def test_a_list_item_or_an_ordinary_word_after_a_dash_is_no_sign_off(paragraphs: tuple[str, ...]) -> None:
    """A line of a list of dash-led lines, in one paragraph or one a paragraph, is an item ("- Sun" among
    the days, "- Express" among the shipping options), and a word the table takes for an outlet only
    after "the" ("Sun", "Express", "Star", "Mirror") is that word: no wire's sign-off."""
    assert how(*paragraphs) == []
    # A sign-off under the story, and the ordinary word with its "the", still credit.
    assert how("The talks end Friday.", "— Reuters") == [("Reuters", "dateline")]
    assert how("The talks end Friday.\n— The Sun") == [("The Sun", "dateline")]


def test_a_line_of_spaces_after_a_dash_costs_its_length() -> None:
    """ "- A", 20,000 spaces, then a word: the plain-text archive keeps such a line as it is, and the
    sign-off's pattern tried every split of the spaces between its two runs of them (8.9 s for 8,000
    spaces, about a minute for 20,000)."""
    for text in ("- A" + " " * 20_000 + "x", "Intro.\n— Reuters" + "\t" * 20_000 + "x"):
        started = time.perf_counter()
        assert how(text) == []
        elapsed = time.perf_counter() - started
        # Milliseconds; the bound only catches work that grows with the square of the line.
        assert elapsed < 3, elapsed


def test_a_run_of_spaces_before_contributed_costs_its_length() -> None:
    """40,000 spaces before "contributed": the cue's pattern was tried from every space of the run,
    each try running to its end (7 s)."""
    text = "a" + " " * 40_000 + "contributed to that"
    started = time.perf_counter()
    assert how(text) == []
    elapsed = time.perf_counter() - started
    # Milliseconds; the bound only catches work that grows with the square of the run.
    assert elapsed < 2, elapsed


def test_a_link_to_an_outlets_site_or_a_subdomain_credits_it() -> None:
    """A paragraph's link to cnn.com's subdomain credits CNN, with the sentence, line and url."""
    link = Link(1, "https://edition.cnn.com/a", "edition.cnn.com", "pictures", 11)
    text = "It was bad. CNN ran the pictures of it. Later more."
    assert extract_credits(post_with("Intro.", text), builtin_aliases()) == []
    (credit,) = extract_credits(post_with("Intro.", text, links=(link,)), builtin_aliases())
    assert (credit.outlet, credit.how, credit.url, credit.line, credit.paragraph) == (
        "CNN",
        "link",
        "https://edition.cnn.com/a",
        11,
        1,
    )
    assert credit.evidence == "CNN ran the pictures of it."


def test_a_link_outside_the_paragraphs_or_to_another_site_credits_nobody() -> None:
    """Navigation links (-1) and links to sites not in the table are no credits."""
    links = (
        Link(-1, "https://www.bbc.co.uk/", "bbc.co.uk", "BBC", 1),
        Link(0, "https://github.com/x", "github.com", "the code", 10),
    )
    assert how("The code is on GitHub.", links=links) == []


def test_a_linked_credit_line_takes_the_outlet_of_its_link_once() -> None:
    """ "Via <a href=bbc.co.uk>BBC News</a>" is one credit, how "via", carrying the link's url."""
    link = Link(1, "https://www.bbc.co.uk/news/1", "bbc.co.uk", "the Beeb", 11)
    credits = extract_credits(post_with("Body.", "Via the Beeb", links=(link,)), builtin_aliases())
    assert [(c.outlet, c.how, c.surface, c.url) for c in credits] == [
        ("BBC", "via", "the Beeb", "https://www.bbc.co.uk/news/1")
    ]


def test_a_weak_cue_takes_a_name_linked_to_its_own_site() -> None:
    """ "via <a href=boingboing.net>Boing Boing</a>": the name of the site it links to is an outlet."""
    link = Link(0, "https://spacebar.example/", "spacebar.example", "Spacebar", 10)
    assert how("Via Spacebar", links=(link,)) == [("Spacebar", "via")]
    assert names_its_site("The Verge", "www.theverge.com") and names_its_site("Boing Boing", "boingboing.net")
    assert not names_its_site("Jack Dorsey", "twitter.com")


def test_a_pages_set_aside_note_credits_only_when_it_is_a_whole_credit_line() -> None:
    """A boilerplate note "Via BBC News" credits; "Subscribe via Reuters feeds" in a footer does not."""
    notes = (
        ClassifiedLine("dump.html", 30, "boilerplate", "Via BBC News"),
        ClassifiedLine("dump.html", 31, "boilerplate", "Subscribe via Reuters feeds"),
        ClassifiedLine("dump.html", 32, "image", "Photo via AFP"),
    )
    credits = extract_credits(post_with("Body.", notes=notes), builtin_aliases())
    assert [(c.outlet, c.how, c.line, c.paragraph) for c in credits] == [("BBC", "via", 30, -1)]


def test_alias_file_domains_extend_the_table(tmp_path: Path) -> None:
    """--aliases adds outlets with their domains (YAML domains, or a CSV alias written as a domain)."""
    yaml_file = write(
        tmp_path,
        "aliases.yaml",
        "outlets:\n  - name: Gotham Gazette\n    domains: [gothamgazette.example]\n"
        "  - name: CNN International\n    domains: [edition.cnn.com]\n",
    )
    aliases = load_aliases(str(yaml_file))
    assert aliases.by_domain("news.gothamgazette.example").name == "Gotham Gazette"  # type: ignore[union-attr]
    assert aliases.by_domain("edition.cnn.com").name == "CNN International"  # type: ignore[union-attr]
    assert aliases.by_domain("cnn.com").name == "CNN"  # type: ignore[union-attr]
    csv_file = write(tmp_path, "aliases.csv", "alias,canonical\nmetropolis.example,Daily Planet\n")
    assert load_aliases(str(csv_file)).by_domain("www.metropolis.example").name == "Daily Planet"  # type: ignore[union-attr]


def test_a_bad_domain_in_an_alias_file_is_a_clear_error(tmp_path: Path) -> None:
    """A domain that is not one is refused with the file named."""
    from provenance.errors import InputError

    path = write(tmp_path, "aliases.yaml", "outlets:\n  - name: X\n    domains: [not a domain]\n")
    with pytest.raises(InputError, match="not a domain"):
        load_aliases(str(path))


def test_the_builtin_table_knows_the_major_outlets_by_domain() -> None:
    """Wires, broadcasters and newspapers map from their sites, subdomains included."""
    aliases = builtin_aliases()
    expected = {
        "reuters.com": "Reuters",
        "apnews.com": "Associated Press",
        "afp.com": "Agence France-Presse",
        "news.bbc.co.uk": "BBC",
        "bbc.com": "BBC",
        "edition.cnn.com": "CNN",
        "nytimes.com": "The New York Times",
        "washingtonpost.com": "The Washington Post",
        "theguardian.com": "The Guardian",
        "dailymail.co.uk": "Daily Mail",
        "pa.media": "Press Association",
        "tass.com": "TASS",
        "abcnews.go.com": "ABC News",
    }
    assert {domain: aliases.by_domain(domain).name for domain in expected} == expected  # type: ignore[union-attr]
    assert aliases.by_domain("go.com") is None and aliases.by_domain("co.uk") is None
    assert aliases.canonical("WaPo") == aliases.canonical("the Washington Post") == "The Washington Post"


# --------------------------------------------------------------------------
# the graph, audit.json and the chronology
# --------------------------------------------------------------------------


def test_audit_of_a_page_gives_credits_edges_and_documents_them(tmp_path: Path) -> None:
    """The saved page: a "via" credit of the BBC and a link credit of CNN, as edges and in audit.json."""
    page = write(tmp_path, "page.html", PAGE)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["audit", str(page), "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert [(c["outlet"], c["how"], c["line"], c["paragraph"]) for c in doc["credits"]] == [
        ("BBC", "via", 10, 2),
        ("CNN", "link", 8, 1),
    ]
    outlets = {o["name"]: o for o in doc["outlets"]}
    assert outlets["BBC"]["credited_by"] == ["page"] and outlets["BBC"]["source"] == "known"
    assert outlets["BBC"]["mentioned_by"] == [] and outlets["BBC"]["cited_by"] == []
    assert doc["posts"][0]["links"][2] == {
        "paragraph": 2,
        "url": "https://www.bbc.co.uk/news/uk-123",
        "domain": "bbc.co.uk",
        "text": "BBC News",
        "line": 10,
    }
    assert doc["summary"]["credits"] == 2


def test_credits_are_graph_edges_apart_from_cites_and_mentions(tmp_path: Path) -> None:
    """A WordPress post's "(via CNN)" and link to reuters.com are ``credits`` edges with their how."""
    path = write(tmp_path, "export.xml", WXR_HEAD + wxr_item("storm", WXR_BODY) + WXR_TAIL)
    posts = read_corpus([path]).posts
    config = AuditConfig()
    result = build_graph(posts, find_duplicates(posts, config), config)
    edges = sorted((u, v, d["how"]) for u, v, d in result.graph.edges(data=True) if d["type"] == "credits")
    assert edges == [("post:storm", "outlet:CNN", "via"), ("post:storm", "outlet:Reuters", "link")]
    assert not [d for _, _, d in result.graph.edges(data=True) if d["type"] in ("cites", "mentions")]
    assert {o.name: o.credited_by for o in result.outlets} == {"CNN": ("storm",), "Reuters": ("storm",)}


def test_the_provenance_chain_lists_the_credited_outlets(tmp_path: Path) -> None:
    """`provenance sources` shows what a post credits, beside what it mentions."""
    path = write(tmp_path, "export.xml", WXR_HEAD + wxr_item("storm", WXR_BODY) + WXR_TAIL)
    posts = read_corpus([path]).posts
    config = AuditConfig()
    result = build_graph(posts, find_duplicates(posts, config), config)
    chain = provenance_chain(result, posts, "storm")
    assert chain.credited_outlets == ("CNN", "Reuters")
    assert "   credits: CNN, Reuters" in format_chain(chain)


def test_credited_outlets_are_named_for_the_chronology() -> None:
    """outlets_named counts a credited outlet as named by the post, as an attribution line is."""
    link = Link(0, "https://debka.com/x", "debka.com", "the report", 10)
    post = post_with("See the report for more.", links=(link,))
    aliases = builtin_aliases()
    credits, _ = credits_of_posts([post], aliases)
    _, named = outlets_named([post], [[]], aliases, credits)
    assert named == {"p": {"debkafile"}}
    assert outlets_named([post], [[]], aliases) == ({}, {})


def test_cc_labs_export_credits_and_outlets(shared: Path, tmp_path: Path) -> None:
    """The real cc-labs export keeps its links, and the audit finds outlets where main found none."""
    export = shared / "corpora" / "wxr" / "cc-labs-blog.xml"
    if not export.is_file():
        pytest.skip("cc-labs export absent")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["audit", str(export), "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert doc["summary"]["links"] > 1200
    assert doc["outlets"], "no outlet found"
    assert all(link["url"].startswith(("http://", "https://")) for p in doc["posts"] for link in p["links"])
