"""The provenance graph: nodes and edges, reprint direction, export round trips, chains, the seed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance.config import AuditConfig
from provenance.errors import ProvenanceError
from provenance.graph import (
    build_graph,
    for_export,
    format_chain,
    provenance_chain,
    to_node_link,
    write_gexf,
    write_graphml,
)
from provenance.models import (
    Citation,
    ClassifiedLine,
    Cluster,
    DedupResult,
    GraphResult,
    Pair,
    Paragraph,
    ParagraphRef,
    Post,
    PostReuse,
    ReuseSource,
    SourceRef,
)
from provenance.outlets import builtin_aliases

SEED = Path(__file__).resolve().parents[1] / "seeds" / "islamic-state-whats-next.txt"
CONFIG = AuditConfig()


def make_post(
    post_id: str,
    paragraphs: list[str],
    *,
    date: dt.date | None = None,
    cited: dt.date | None = None,
    outlet: str | None = "Some Outlet",
    authors: tuple[str, ...] = (),
    notes: tuple[ClassifiedLine, ...] = (),
) -> Post:
    citation = (
        Citation(f"Original {post_id}", outlet, ", ".join(authors) or None, cited, 2, authors)
        if outlet
        else None
    )
    return Post(
        id=post_id,
        title=f"Title {post_id}",
        date=date,
        source=SourceRef("dump.txt", 1, 9),
        citation=citation,
        paragraphs=tuple(Paragraph(i, 10 + 2 * i, text) for i, text in enumerate(paragraphs)),
        notes=notes,
    )


def pair(a: tuple[str, int], b: tuple[str, int], kind: str = "exact") -> Pair:
    return Pair(ParagraphRef(*a), ParagraphRef(*b), kind, 1.0, 1.0)  # type: ignore[arg-type]


def paragraphs(n: int, prefix: str = "Paragraph") -> list[str]:
    return [f"{prefix} number {i} with some words in it." for i in range(n)]


def edges_of(result: GraphResult, kind: str) -> list[tuple[str, str, dict[str, object]]]:
    """Edges of one type in the whole graph, the cluster layer's included."""
    return [(u, v, d) for u, v, d in result.elements().edges(data=True) if d["type"] == kind]


# --------------------------------------------------------------------------
# reprints and their direction
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "source", "decided_by"),
    [
        # citation dates decide even against post dates
        (
            dict(cited=dt.date(2016, 1, 2), date=dt.date(2016, 1, 1)),
            dict(cited=dt.date(2016, 1, 1), date=dt.date(2016, 1, 5)),
            "b",
            "citation_date",
        ),
        # same original date: the post dates decide
        (
            dict(cited=dt.date(2016, 1, 1), date=dt.date(2016, 1, 9)),
            dict(cited=dt.date(2016, 1, 1), date=dt.date(2016, 1, 3)),
            "b",
            "post_date",
        ),
        # no dates at all: input order
        ({}, {}, "a", "input_order"),
    ],
)
def test_reprint_direction_follows_the_evidence_order(
    first: dict[str, dt.date], second: dict[str, dt.date], source: str, decided_by: str
) -> None:
    """Citation date, then post date, then input order choose the source, and the rule is recorded."""
    posts = [make_post("a", paragraphs(4), **first), make_post("b", paragraphs(4), **second)]
    dedup = DedupResult(pairs=[pair(("a", i), ("b", i)) for i in range(4)])
    result = build_graph(posts, dedup, CONFIG)
    assert [(r.source, r.decided_by) for r in result.reprints] == [(source, decided_by)]
    ((copy_node, source_node, data),) = edges_of(result, "reprints")
    assert source_node == f"post:{source}" and copy_node != source_node
    assert data["decided_by"] == decided_by


def test_undated_direction_by_containment_the_copy_holds_all_of_the_source_and_more() -> None:
    """Without dates, the post wholly inside the other is the source, whatever the input order."""
    posts = [make_post("long", paragraphs(5)), make_post("short", paragraphs(3))]
    dedup = DedupResult(pairs=[pair(("long", i), ("short", i)) for i in range(3)])
    (reprint,) = build_graph(posts, dedup, CONFIG).reprints
    assert (reprint.source, reprint.copy, reprint.decided_by) == ("short", "long", "containment")
    assert (reprint.shared_paragraphs, reprint.share_of_source) == (3, 1.0)


def test_below_reprint_share_is_not_a_reprint_unless_introduced_by_an_attribution() -> None:
    """Two of six source paragraphs are not a reprint; the same two after "CNN reported:" are."""
    source = make_post("src", paragraphs(6), date=dt.date(2020, 1, 1))
    plain = make_post("plain", ["My own words here.", *paragraphs(2)], date=dt.date(2020, 1, 2))
    quoting = make_post("quoting", ["CNN reported Thursday:", *paragraphs(2)], date=dt.date(2020, 1, 3))
    pairs = [pair(("src", i), ("plain", i + 1)) for i in range(2)] + [
        pair(("src", i), ("quoting", i + 1)) for i in range(2)
    ]
    result = build_graph([source, plain, quoting], DedupResult(pairs=pairs), CONFIG)
    assert [(r.source, r.copy, r.share_of_source) for r in result.reprints] == [("src", "quoting", 0.3333)]
    ((_, _, data),) = edges_of(result, "reprints")
    assert data["introduced_by"] == "CNN reported Thursday:"
    assert data["introduced_line"] == 10


def test_reprint_share_threshold_comes_from_the_config() -> None:
    """Lowering reprint_share turns the same two-of-six overlap into a reprint."""
    source = make_post("src", paragraphs(6), date=dt.date(2020, 1, 1))
    copy = make_post("copy", paragraphs(2), date=dt.date(2020, 1, 2))
    dedup = DedupResult(pairs=[pair(("src", i), ("copy", i)) for i in range(2)])
    assert build_graph([source, copy], dedup, CONFIG).reprints == []
    assert len(build_graph([source, copy], dedup, CONFIG.with_(reprint_share=0.3)).reprints) == 1


def test_partial_pairs_do_not_count_towards_a_reprint() -> None:
    """Shared phrases (``partial``) are not carried paragraphs."""
    posts = [make_post("a", paragraphs(2)), make_post("b", paragraphs(2))]
    dedup = DedupResult(pairs=[pair(("a", i), ("b", i), "partial") for i in range(2)])
    assert build_graph(posts, dedup, CONFIG).reprints == []


def test_self_repetition_is_a_self_repeats_edge_not_a_reprint() -> None:
    """An excerpt repeated in its own body is a self loop with the paragraph pairs."""
    post = make_post("a", ["Excerpt words here.", "Other.", "Excerpt words here."])
    dedup = DedupResult(
        pairs=[pair(("a", 0), ("a", 2))],
        clusters=[Cluster(0, (ParagraphRef("a", 0), ParagraphRef("a", 2)), ParagraphRef("a", 0), ("exact",))],
    )
    result = build_graph([post], dedup, CONFIG)
    assert result.reprints == []
    ((u, v, data),) = edges_of(result, "self_repeats")
    assert (u, v, data["pairs"], data["paragraph_pairs"]) == ("post:a", "post:a", 1, [[0, 2]])


# --------------------------------------------------------------------------
# nodes, clusters, outlets, notes
# --------------------------------------------------------------------------


def test_cluster_earliest_witness_and_copy_of_edges() -> None:
    """The cluster's earliest witness is the paragraph of the earliest post; the others are copy_of it."""
    posts = [
        make_post("late", paragraphs(1), date=dt.date(2020, 5, 1)),
        make_post("early", paragraphs(1), date=dt.date(2020, 1, 1)),
        make_post("mid", paragraphs(1), date=dt.date(2020, 3, 1)),
    ]
    members = (ParagraphRef("early", 0), ParagraphRef("late", 0), ParagraphRef("mid", 0))
    dedup = DedupResult(
        pairs=[pair(("late", 0), ("early", 0)), pair(("late", 0), ("mid", 0))],
        clusters=[Cluster(7, members, ParagraphRef("early", 0), ("exact",))],
    )
    result = build_graph(posts, dedup, CONFIG)
    graph: nx.MultiDiGraph = result.full_graph()
    assert graph.nodes["cluster:7"]["earliest"] == "para:early#0"
    assert sorted((u, v) for u, v, _ in edges_of(result, "copy_of")) == [
        ("para:late#0", "para:early#0"),
        ("para:mid#0", "para:early#0"),
    ]
    assert len(edges_of(result, "member_of")) == 3


def test_an_outlet_lists_each_citing_and_mentioning_post_once_in_first_seen_order() -> None:
    """A post that cites or mentions an outlet again is not listed again; citing and mentioning stay apart."""
    from provenance.graph.outlets import OutletRegistry as _OutletRegistry

    registry = _OutletRegistry(builtin_aliases())
    for post, cited in [("b", True), ("a", True), ("b", True), ("c", False), ("b", False), ("c", False)]:
        registry.add("DEBKAfile", post=post, cited=cited)
    (debka,) = registry.outlets()
    assert debka.cited_by == ("b", "a")
    assert debka.mentioned_by == ("c", "b")


def test_citations_merge_outlet_spellings_and_link_authors() -> None:
    """Spellings of one outlet ("Debkafile", "DEBKAfile") are one node cited by both; authors get by edges."""
    posts = [
        make_post("a", ["Text."], outlet="Debkafile", authors=("Joseph Klein",)),
        make_post("b", ["Other text."], outlet="DEBKAfile"),
        make_post("c", ["More."], outlet="The (Local) Gazette"),
        make_post("d", ["Still more."], outlet="the gazette."),
    ]
    result = build_graph(posts, DedupResult(), CONFIG)
    names = {o.name: o for o in result.outlets}
    assert names["DEBKAfile"].cited_by == ("a", "b")
    assert names["DEBKAfile"].aliases == ("Debkafile",)
    assert [o.name for o in result.outlets] == sorted(names, key=str.casefold)
    gazette = [o for o in result.outlets if "gazette" in o.name.casefold()]
    assert len(gazette) == 1 and gazette[0].cited_by == ("c", "d")
    assert [(u, v) for u, v, _ in edges_of(result, "by")] == [("post:a", "author:Joseph Klein")]
    cites = edges_of(result, "cites")
    assert cites[0][2]["original_title"] == "Original a"


def test_every_node_has_a_type_and_a_label() -> None:
    """Posts, outlets, authors, clusters, paragraphs and notes all carry type and label."""
    note = ClassifiedLine("dump.txt", 4, "editor_note", "(But please see, Title b. — DM)")
    posts = [
        make_post("a", paragraphs(2), date=dt.date(2020, 1, 1), authors=("X Y",), notes=(note,)),
        make_post("b", paragraphs(2), date=dt.date(2020, 1, 2)),
    ]
    members = (ParagraphRef("a", 0), ParagraphRef("b", 0))
    dedup = DedupResult(
        pairs=[pair(("a", 0), ("b", 0)), pair(("a", 1), ("b", 1))],
        clusters=[Cluster(0, members, members[0], ("exact",))],
        reuse={"b": PostReuse(1.0, "wholly")},
    )
    result = build_graph(posts, dedup, CONFIG)
    graph: nx.MultiDiGraph = result.full_graph()
    types = {data["type"] for _, data in graph.nodes(data=True)}
    assert types == {"post", "outlet", "author", "cluster", "paragraph", "note"}
    # The networkx graph the stage holds leaves the cluster layer to be made when read.
    assert {data["type"] for _, data in result.graph.nodes(data=True)} == types - {"cluster", "paragraph"}
    assert all(data.get("label") for _, data in graph.nodes(data=True))
    assert graph.nodes["note:a#4"]["refers_to_post"] == "b"
    assert edges_of(result, "refers_to")[0][:2] == ("note:a#4", "post:b")
    assert result.summary["posts_by_copied_share"][0] == {"post": "b", "share": 1.0}  # type: ignore[index]
    assert result.summary["reprint_edges"] == 1
    assert result.summary["nodes"] == graph.number_of_nodes()
    assert result.summary["edges"] == graph.number_of_edges()


def test_the_whole_graph_walks_in_the_order_one_networkx_graph_of_it_had() -> None:
    """Posts, outlets, authors, each cluster and its paragraphs, notes; edges by source in that order.

    GraphML and the store's graph_edges list the elements in this order, as
    they did when the stage added the cluster layer to its networkx graph
    between the authors and the notes.
    """
    note = ClassifiedLine("dump.txt", 4, "editor_note", "(But please see, Title b. — DM)")
    posts = [
        make_post("a", paragraphs(2), date=dt.date(2020, 1, 1), authors=("X Y",), notes=(note,)),
        make_post("b", paragraphs(2), date=dt.date(2020, 1, 2)),
        make_post("c", paragraphs(2), date=dt.date(2019, 1, 2)),
    ]
    clusters = [
        Cluster(3, (ParagraphRef("a", 1), ParagraphRef("c", 1)), ParagraphRef("c", 1), ("near",)),
        Cluster(1, (ParagraphRef("a", 0), ParagraphRef("b", 0)), ParagraphRef("a", 0), ("exact",)),
    ]
    dedup = DedupResult(pairs=[pair(("a", 0), ("b", 0)), pair(("c", 1), ("a", 1))], clusters=clusters)
    elements = build_graph(posts, dedup, CONFIG).elements()
    nodes = list(elements.nodes(data=True))
    kinds = [data["type"] for _, data in nodes]
    runs = [kind for i, kind in enumerate(kinds) if i == 0 or kinds[i - 1] != kind]
    assert runs == ["post", "outlet", "author", *["cluster", "paragraph"] * 2, "note"]
    assert [node for node, _ in nodes if node.startswith(("cluster:", "para:"))] == [
        "cluster:1", "para:a#0", "para:b#0", "cluster:3", "para:a#1", "para:c#1",
    ]  # fmt: skip
    position = {node: i for i, (node, _) in enumerate(nodes)}
    sources = [position[u] for u, _ in elements.edges()]
    assert sources == sorted(sources)
    copies = [(u, v) for u, v, d in elements.edges(data=True) if d["type"] == "copy_of"]
    assert copies == [("para:b#0", "para:a#0"), ("para:a#1", "para:c#1")]
    assert (elements.number_of_nodes(), elements.number_of_edges()) == (len(nodes), len(sources))
    assert all(node in elements for node in position) and "para:b#1" not in elements


def test_build_graph_is_deterministic() -> None:
    """The same input gives the same node-link JSON twice."""
    posts = [make_post("a", paragraphs(3), outlet="CNN"), make_post("b", paragraphs(3), outlet="cnn")]
    dedup = DedupResult(pairs=[pair(("a", i), ("b", i)) for i in range(3)])
    first = json.dumps(to_node_link(build_graph(posts, dedup, CONFIG).full_graph()), sort_keys=True)
    second = json.dumps(to_node_link(build_graph(posts, dedup, CONFIG).full_graph()), sort_keys=True)
    assert first == second


# --------------------------------------------------------------------------
# the seed
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> tuple[list[Post], GraphResult]:
    from provenance.dedup import find_duplicates
    from provenance.ingest import read_corpus

    corpus = read_corpus([str(SEED)], CONFIG)
    dedup = find_duplicates(corpus.posts, CONFIG)
    return corpus.posts, build_graph(corpus.posts, dedup, CONFIG, builtin_aliases())


def test_the_attribution_stage_is_heard_before_the_credits_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The credits are the attribution stage's first step: heard as it begins, the reading's clock
    stops there, not after the credits of every post."""
    import provenance
    import provenance.credits as credits_module

    heard: list[str] = []
    read_credits = credits_module.credits_of_posts

    def credits_heard(*args: Any, **kwargs: Any) -> Any:
        heard.append("credits read")
        return read_credits(*args, **kwargs)

    monkeypatch.setattr(credits_module, "credits_of_posts", credits_heard)
    provenance.audit([str(SEED)], CONFIG, progress=lambda stage, *_: heard.append(stage))
    assert heard.index("attribution") < heard.index("credits read")


def test_the_audit_reports_attributions_then_each_linking_step() -> None:
    """Progress hears attributions, then the graph's linking steps in order, then findings."""
    import provenance
    from provenance.graph import LINKING_STEPS

    heard: list[tuple[str, int, int | None]] = []
    result = provenance.audit([str(SEED)], CONFIG, progress=lambda *step: heard.append(step))
    posts = len(result.posts)
    stages = list(dict.fromkeys(stage for stage, _, _ in heard))
    assert stages.index("attribution") < stages.index("graph: linking")
    read = [step for step in heard if step[0] == "attribution"]
    assert read[0] == ("attribution", 0, posts) and read[-1] == ("attribution", posts, posts)
    assert set(read) == {("attribution", 0, posts), ("attribution", posts, posts)}
    linking = [step for step in heard if step[0] == "graph: linking"]
    assert linking == [("graph: linking", step, LINKING_STEPS) for step in range(LINKING_STEPS + 1)]
    # Then credit and findings, the last stage, begun and ended.
    assert heard[-3:] == [
        ("graph: linking", LINKING_STEPS, LINKING_STEPS),
        ("findings", 0, 1),
        ("findings", 1, 1),
    ]


def by_title(posts: list[Post], start: str) -> str:
    (post_id,) = [p.id for p in posts if p.title.startswith(start)]
    return post_id


def test_seed_one_reprint_us_on_alert_copies_isis_chief_decided_by_date(
    seed: tuple[list[Post], GraphResult],
) -> None:
    """The seed's one reprint: "US on alert…" (Nov 4) copies "ISIS chief looses…" (Nov 3), decided by date."""
    posts, result = seed
    (reprint,) = result.reprints
    assert reprint.source == by_title(posts, "ISIS chief looses")
    assert reprint.copy == by_title(posts, "US on alert")
    assert reprint.decided_by in ("citation_date", "post_date")
    assert reprint.shared_paragraphs >= 10 and reprint.share_of_source >= 0.9
    ((_, _, data),) = edges_of(result, "reprints")
    assert data["introduced_by"] == "DEBKAfile reported Thursday, Nov. 3:"


def test_seed_debkafile_is_one_node_cited_twice_and_mentioned_by_red_line(
    seed: tuple[list[Post], GraphResult],
) -> None:
    """DEBKAfile is one outlet cited by both DEBKAfile posts and mentioned by the Red Line post."""
    posts, result = seed
    (debka,) = [o for o in result.outlets if o.name.casefold() == "debkafile"]
    assert set(debka.cited_by) == {by_title(posts, "ISIS chief looses"), by_title(posts, "US on alert")}
    assert by_title(posts, "In Syria, Trump") in debka.mentioned_by
    red_line = [
        m for m in result.mentions if m.post == by_title(posts, "In Syria, Trump") and m.outlet == "DEBKAfile"
    ]
    assert sorted(m.cue for m in red_line) == ["according to", "reports"]


def test_seed_citation_outlets_and_authors(seed: tuple[list[Post], GraphResult]) -> None:
    """The six citing outlets, and the authors of the posts whose credit line names one."""
    posts, result = seed
    cited = {o.name: len(o.cited_by) for o in result.outlets if o.cited_by}
    assert cited == {
        "Long War Journal": 1,
        "Front Page Magazine": 1,
        "DEBKAfile": 2,
        "Israel Hayom": 1,
        "Investigative Project on Terrorism": 1,
        "The Jewish Press": 1,
    }
    authors = {(u, v) for u, v, _ in edges_of(result, "by")}
    assert (f"post:{by_title(posts, 'In Syria, Trump')}", "author:Joseph Klein") in authors
    assert (f"post:{by_title(posts, 'ISIS will survive')}", "author:Dr. Ori Goldberg") in authors
    assert (f"post:{by_title(posts, 'Europe Braces')}", "author:John Rossomando") in authors
    assert (f"post:{by_title(posts, 'Analysis: Iran')}", "author:Hana Levi Julian") in authors
    assert result.summary["outlets_by_citing_posts"][0] == {"outlet": "DEBKAfile", "posts": 2}  # type: ignore[index]


def test_seed_mentioned_outlets_per_post(seed: tuple[list[Post], GraphResult]) -> None:
    """ODNI, EUROPOL, the Washington Post and CNN; the Telegraph and Russia Today; FARS."""
    posts, result = seed

    def mentioned(start: str) -> set[str]:
        return {m.outlet for m in result.mentions if m.post == by_title(posts, start)}

    assert {
        "Office of the Director of National Intelligence",
        "EUROPOL",
        "The Washington Post",
        "CNN",
    } <= mentioned("The terrorist diaspora")
    assert {"The Telegraph", "Russia Today"} <= mentioned("Europe Braces")
    assert "FARS" in mentioned("Analysis: Iran")


def test_seed_editor_note_points_to_a_post_not_in_the_dump(seed: tuple[list[Post], GraphResult]) -> None:
    """The "— DM" note is a note node naming the title it points to, which is not in the dump."""
    posts, result = seed
    graph: nx.MultiDiGraph = result.graph  # type: ignore[assignment]
    notes = [
        data for _, data in graph.nodes(data=True) if data["type"] == "note" and data.get("signed") == "DM"
    ]
    (note,) = notes
    assert note["refers_to"].startswith("A ‘lasting defeat’ of the Islamic State")
    assert note["in_dump"] is False and note["refers_to_post"] is None
    owner = by_title(posts, "Europe Braces")
    assert any(u == f"post:{owner}" for u, _, _ in edges_of(result, "has_note"))


def test_seed_self_repetition_inside_the_terrorist_diaspora(seed: tuple[list[Post], GraphResult]) -> None:
    """The excerpt repeated in its own body is a self_repeats edge on that post."""
    posts, result = seed
    post_id = by_title(posts, "The terrorist diaspora")
    loops = [d for u, v, d in edges_of(result, "self_repeats") if u == v == f"post:{post_id}"]
    assert len(loops) == 1 and int(loops[0]["pairs"]) >= 2  # type: ignore[call-overload]


# --------------------------------------------------------------------------
# export and chains
# --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_round_trip_keeps_node_and_edge_attributes(
    seed: tuple[list[Post], GraphResult], tmp_path: Path, fmt: str
) -> None:
    """Written with networkx and read back, every node and edge keeps its attributes."""
    _, result = seed
    exportable = for_export(result.elements())
    path = tmp_path / f"graph.{fmt}"
    if fmt == "graphml":
        nx.write_graphml(exportable, path)
        back = nx.read_graphml(path, force_multigraph=True)
    else:
        nx.write_gexf(exportable, path)
        back = nx.read_gexf(path)
    assert set(back.nodes) == set(exportable.nodes)
    for node, data in exportable.nodes(data=True):
        assert {k: back.nodes[node].get(k) for k in data} == data
    keys = {k for _, _, d in exportable.edges(data=True) for k in d}
    written = sorted((u, v, json.dumps(d, sort_keys=True)) for u, v, d in exportable.edges(data=True))
    read = sorted(
        (u, v, json.dumps({k: value for k, value in d.items() if k in keys}, sort_keys=True))
        for u, v, d in back.edges(data=True)
    )
    assert read == written
    assert any(
        json.loads(d)["kind"] == "mentions" and "Debkafile reports" in json.loads(d)["sentence"]
        for *_, d in read
    )


def test_for_export_has_only_scalars_and_one_type_per_attribute(seed: tuple[list[Post], GraphResult]) -> None:
    """No None, list or dict survives, and each attribute name has one type across nodes (and edges)."""
    _, result = seed
    exportable = for_export(result.elements())
    for items in (
        [data for _, data in exportable.nodes(data=True)],
        [data for _, _, data in exportable.edges(data=True)],
    ):
        types: dict[str, set[type]] = {}
        for data in items:
            for key, value in data.items():
                assert isinstance(value, (str, int, float, bool)), (key, value)
                types.setdefault(key, set()).add(type(value))
        assert all(len(t) == 1 for t in types.values()), types
    reprint = next(d for _, _, d in exportable.edges(data=True) if d["kind"] == "reprints")
    assert json.loads(reprint["source_paragraphs"]) == list(range(11))


def test_graphml_written_from_the_graph_equals_graphml_of_the_copy(
    seed: tuple[list[Post], GraphResult], tmp_path: Path
) -> None:
    """write_graphml walks the graph instead of copying it, and writes the same bytes as the copy gives.

    What it walks is the networkx graph with the cluster layer made as it
    goes; what networkx writes is the copy of the whole graph built in one.
    """
    _, result = seed
    nx.write_graphml(for_export(result.full_graph()), tmp_path / "copy.graphml")
    write_graphml(result.elements(), tmp_path / "walked.graphml")
    assert (tmp_path / "walked.graphml").read_bytes() == (tmp_path / "copy.graphml").read_bytes()
    assert 'attr.name="text"' in (tmp_path / "walked.graphml").read_text(encoding="utf-8")


def test_graphml_of_ids_that_become_one_id_in_xml_equals_the_copy_s(tmp_path: Path) -> None:
    """Two node ids that differ only in characters XML cannot hold: merged as the copy merges them."""
    graph = nx.MultiDiGraph()
    graph.add_node("p:a\x0b", type="post", title="one", words=3)
    graph.add_node("p:a\x0c", type="post", title="two", words=None)
    graph.add_node("p:b", type="post", title="three\x00", words=5)
    graph.add_edge("p:a\x0b", "p:b", type="reprints", shared=[1, 2])
    nx.write_graphml(for_export(graph), tmp_path / "copy.graphml")
    write_graphml(graph, tmp_path / "walked.graphml")
    assert (tmp_path / "walked.graphml").read_bytes() == (tmp_path / "copy.graphml").read_bytes()
    back = nx.read_graphml(tmp_path / "walked.graphml")
    assert sorted(back.nodes) == ["p:a\ufffd", "p:b"]
    # Without a merge the graph is walked, and control characters in text still become U+FFFD.
    graph.remove_node("p:a\x0c")
    nx.write_graphml(for_export(graph), tmp_path / "copy2.graphml")
    write_graphml(graph, tmp_path / "walked2.graphml")
    assert (tmp_path / "walked2.graphml").read_bytes() == (tmp_path / "copy2.graphml").read_bytes()
    assert "three\ufffd" in (tmp_path / "walked2.graphml").read_text(encoding="utf-8")


def test_graphml_of_paragraph_ids_that_become_one_id_in_xml_equals_the_copy_s(tmp_path: Path) -> None:
    """Paragraph nodes made as the graph is walked: ids that XML merges are found there too."""
    posts = [
        make_post("a\x0b", paragraphs(1), date=dt.date(2020, 1, 1)),
        make_post("a\ufffd", paragraphs(1), date=dt.date(2020, 1, 2)),
    ]
    members = (ParagraphRef("a\x0b", 0), ParagraphRef("a\ufffd", 0))
    dedup = DedupResult(
        pairs=[pair(("a\x0b", 0), ("a\ufffd", 0))], clusters=[Cluster(0, members, members[0], ("exact",))]
    )
    result = build_graph(posts, dedup, CONFIG)
    nx.write_graphml(for_export(result.full_graph()), tmp_path / "copy.graphml")
    write_graphml(result.elements(), tmp_path / "walked.graphml")
    assert (tmp_path / "walked.graphml").read_bytes() == (tmp_path / "copy.graphml").read_bytes()
    assert "para:a\ufffd#0" in nx.read_graphml(tmp_path / "walked.graphml")


def test_node_link_json_is_serialisable_and_complete(seed: tuple[list[Post], GraphResult]) -> None:
    """The node-link dict dumps to JSON and holds every node and edge."""
    _, result = seed
    graph: nx.MultiDiGraph = result.full_graph()
    data = to_node_link(graph)
    assert len(json.loads(json.dumps(data))["nodes"]) == graph.number_of_nodes()
    assert len(data["edges"]) == graph.number_of_edges()


def test_provenance_chain_of_the_seed_reprint(seed: tuple[list[Post], GraphResult]) -> None:
    """The copy's chain runs DEBKAfile -> "ISIS chief…" -> "US on alert…"; the source's lists its reprint."""
    posts, result = seed
    chain = provenance_chain(result, posts, "US on alert")
    assert chain.original_outlets == ("DEBKAfile",)
    assert [s.post for s in chain.sources] == [by_title(posts, "ISIS chief looses")]
    assert chain.reprinted_by == ()
    upstream = provenance_chain(result, posts, by_title(posts, "ISIS chief looses"))
    assert [s.post for s in upstream.reprinted_by] == [by_title(posts, "US on alert")]
    text = format_chain(chain)
    assert text.index("ISIS chief looses") < text.index("THIS POST: US on alert")
    assert "direction by citation date" in text


def test_provenance_chain_is_transitive_and_unknown_posts_fail() -> None:
    """A reprint of a reprint reaches the first source; an unknown post id is a ProvenanceError."""
    posts = [
        make_post("a", paragraphs(3), date=dt.date(2020, 1, 1), outlet="CNN"),
        make_post("b", paragraphs(3), date=dt.date(2020, 1, 2)),
        make_post("c", paragraphs(3), date=dt.date(2020, 1, 3)),
    ]
    dedup = DedupResult(
        pairs=[pair(("a", i), ("b", i)) for i in range(3)] + [pair(("b", i), ("c", i)) for i in range(3)]
    )
    result = build_graph(posts, dedup, CONFIG)
    chain = provenance_chain(result, posts, "c")
    assert [(s.post, s.depth) for s in chain.sources] == [("b", 1), ("a", 2)]
    assert chain.original_outlets == ("Some Outlet", "CNN")
    assert [(s.post, s.depth) for s in provenance_chain(result, posts, "a").reprinted_by] == [
        ("b", 1),
        ("c", 2),
    ]
    with pytest.raises(ProvenanceError, match="no post"):
        provenance_chain(result, posts, "zzz")
    with pytest.raises(ProvenanceError, match="several posts"):
        provenance_chain(result, posts, "Title")


def test_a_guessed_reprint_direction_follows_the_direction_post_reuse_took() -> None:
    """Two guesses must not disagree: where reuse lists one undated post as the other's source,
    the reprint edge points the same way, even when containment would guess the reverse."""
    posts = [make_post("long", paragraphs(5)), make_post("short", paragraphs(3))]
    reuse = {"short": PostReuse(0.9, "wholly", (ReuseSource("long", 0.9, 0.0, "input_order"),))}
    dedup = DedupResult(pairs=[pair(("long", i), ("short", i)) for i in range(3)], reuse=reuse)
    (reprint,) = build_graph(posts, dedup, CONFIG).reprints
    assert (reprint.source, reprint.copy, reprint.decided_by) == ("long", "short", "input_order")


def test_graphml_declares_keys_as_networkx_s_own_walks_do(tmp_path: Path) -> None:
    """Keys met only on later nodes and edges, values of every kind, None, lists, a renamed ``type``: the
    keys write_graphml declares without walking (ids, types, order) are networkx's, byte for byte."""
    graph = nx.MultiDiGraph()
    graph.add_node("post:a", kind="post", words=12, share=0.5, reference=False, tags=["x", "y"], note=None)
    graph.add_node("post:b", kind="post", words=3, share=1.0, reference=True, tags=[], note=None)
    graph.add_node("outlet:c", kind="outlet", aliases=["C", "The C"], founded=None)
    graph.add_node("cluster:1", kind="cluster", size=4, mixed=1)
    graph.add_node("cluster:2", kind="cluster", size=2, mixed="two")
    graph.add_edge("post:a", "outlet:c", type="cites", line=4)
    graph.add_edge("post:b", "post:a", type="reprints", shared=0.75, decided_by=None)
    graph.add_edge("post:b", "post:a", type="reprints", shared=0.5, decided_by="by_date", spans=[[1, 2]])
    graph.add_edge("post:a", "cluster:1", type="in", weight=True)
    nx.write_graphml(for_export(graph), tmp_path / "copy.graphml")
    write_graphml(graph, tmp_path / "walked.graphml")
    assert (tmp_path / "walked.graphml").read_bytes() == (tmp_path / "copy.graphml").read_bytes()
    back = nx.read_graphml(tmp_path / "walked.graphml", force_multigraph=True)
    assert back.nodes["cluster:2"]["mixed"] == "two" and back.nodes["post:a"]["share"] == 0.5
    assert sorted(d["kind"] for _, _, d in back.edges(data=True)) == ["cites", "in", "reprints", "reprints"]
    # A graph without edges, and one without nodes.
    for case in (nx.MultiDiGraph([]), graph.subgraph(["post:a", "post:b"]).copy()):
        case.remove_edges_from(list(case.edges))
        nx.write_graphml(for_export(case), tmp_path / "copy-case.graphml")
        write_graphml(case, tmp_path / "walked-case.graphml")
        walked = (tmp_path / "walked-case.graphml").read_bytes()
        assert walked == (tmp_path / "copy-case.graphml").read_bytes()


_XML_TRICKY = st.text(
    alphabet=st.sampled_from(list("ab Z9&<>\"'\t\n\r;#]]>?-é€\U0001f600\x0b\x00\ufffe\ud800")), max_size=12
)
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False),
    _XML_TRICKY,
    st.lists(_XML_TRICKY, max_size=3),
)
_ATTRIBUTES = st.dictionaries(
    st.sampled_from(["type", "text", "n", "share", "tags", "x&y"]), _VALUES, max_size=4
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    nodes=st.dictionaries(_XML_TRICKY, _ATTRIBUTES, max_size=6),
    edges=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), _XML_TRICKY, _ATTRIBUTES), max_size=8),
)
def test_graph_text_writers_write_networkx_s_bytes(
    nodes: dict[str, dict[str, object]], edges: list[tuple[int, int, str, dict[str, object]]], tmp_path: Path
) -> None:
    """Any ids and values (XML's special characters, ones XML cannot hold, every attribute type, None,
    lists, attributes on some elements only): write_graphml and write_gexf format each element as text,
    and each file is networkx's own GraphML or GEXF of the exportable copy, byte for byte. Every edge
    has a text ``type``, as every edge of an audit's graph has (it is also the edge's label)."""
    graph = nx.MultiDiGraph()
    for node, data in nodes.items():
        graph.add_node(node, **data)
    names = list(graph)
    for u, v, kind, data in edges:
        if names:
            graph.add_edge(names[u % len(names)], names[v % len(names)], **{**data, "type": kind})
    nx.write_graphml(for_export(graph), tmp_path / "copy.graphml")
    write_graphml(graph, tmp_path / "text.graphml")
    assert (tmp_path / "text.graphml").read_bytes() == (tmp_path / "copy.graphml").read_bytes()
    _same_gexf(graph, tmp_path)


def _same_gexf(graph: object, tmp_path: Path, name: str = "g") -> str:
    """``graph`` by write_gexf and by networkx's writer of the copy: the text, once both are the same."""
    nx.write_gexf(for_export(graph), tmp_path / f"{name}-copy.gexf")
    write_gexf(graph, tmp_path / f"{name}-walked.gexf")
    walked = (tmp_path / f"{name}-walked.gexf").read_bytes()
    assert walked == (tmp_path / f"{name}-copy.gexf").read_bytes()
    return walked.decode("utf-8")


def test_gexf_written_from_the_graph_equals_gexf_of_the_copy(
    seed: tuple[list[Post], GraphResult], tmp_path: Path
) -> None:
    """write_gexf walks the graph a batch of elements at a time (networkx builds the whole document
    first), and writes the bytes networkx writes for the exportable copy."""
    _, result = seed
    text = _same_gexf(result.elements(), tmp_path)
    back = nx.read_gexf(tmp_path / "g-walked.gexf")
    assert back.number_of_nodes() == result.full_graph().number_of_nodes()
    assert 'title="text"' in text


def test_gexf_declares_attributes_as_networkx_s_walk_meets_them(tmp_path: Path) -> None:
    """Attributes met only on later nodes and edges, values of every kind (infinite and NaN floats too),
    None, lists, nodes with and without a label, a graph without edges and one without nodes: networkx's
    bytes. Names GEXF reads for itself (``weight``, ``start``, ``id``…) and ids XML merges are written by
    networkx, so they match too."""
    graph = nx.MultiDiGraph()
    graph.add_node("post:a", label="A & <b>", words=12, share=0.5, reference=False, tags=["x"], note=None)
    graph.add_node("post:b", kind="post", words=3, share=float("inf"), reference=True, tags=[], note="n\t1")
    graph.add_node("outlet:c", kind="outlet", aliases=["C", "The C"], founded=None, share=float("nan"))
    graph.add_node("cluster:1", kind="cluster", size=4, mixed=1)
    graph.add_node("cluster:2", kind="cluster", size=2, mixed="two\nlines")
    graph.add_edge("post:a", "outlet:c", type="cites", line=4)
    graph.add_edge("post:b", "post:a", type="reprints", shared=0.75, decided_by=None)
    graph.add_edge(
        "post:b", "post:a", type="reprints", shared=-float("inf"), decided_by="by_date", spans=[[1]]
    )
    graph.add_edge("post:a", "cluster:1", type='"in"', flag=True)
    text = _same_gexf(graph, tmp_path)
    assert 'title="networkx_key"' in text and 'label="A &amp; &lt;b&gt;"' in text
    back = nx.read_gexf(tmp_path / "g-walked.gexf")
    assert back.nodes["cluster:2"]["mixed"] == "two\nlines"
    for number, case in enumerate((nx.MultiDiGraph([]), graph.subgraph(["post:a", "post:b"]).copy())):
        case.remove_edges_from(list(case.edges))
        _same_gexf(case, tmp_path, f"case{number}")
    special = graph.copy()
    special.add_edge("post:a", "post:b", type="cites", weight=2.0)
    special.add_node("post:d", start="2020")
    _same_gexf(special, tmp_path, "special")
    merged = nx.MultiDiGraph()
    merged.add_node("p:a\x0b", title="one")
    merged.add_node("p:a\x0c", title="two")
    merged.add_edge("p:a\x0b", "p:a\x0c", type="reprints")
    _same_gexf(merged, tmp_path, "merged")


def test_gexf_writes_numpy_floats_as_networkx_does(tmp_path: Path) -> None:
    """networkx writes "INF" and "NaN" for a Python float only; a numpy float64 (a float's subclass) it
    writes as str gives it, "inf", "-inf", "nan" (write_gexf wrote INF and NaN for it)."""
    import numpy as np

    graph = nx.MultiDiGraph()
    graph.add_node("a", share=np.float64("inf"))
    graph.add_node("b", share=np.float64("nan"))
    graph.add_edge("a", "b", key=np.float64("nan"), type="t", shared=np.float64("-inf"))
    text = _same_gexf(graph, tmp_path)
    assert 'value="inf"' in text and 'value="-inf"' in text


def test_gexf_of_a_node_attribute_named_key_is_networkx_s(tmp_path: Path) -> None:
    """networkx renames every attribute named "key" to "networkx_key", a node's too (write_gexf
    declared the node's as "key"), and one named "networkx_key" then shares its declaration."""
    graph = nx.MultiDiGraph()
    graph.add_node("a", key=1)
    graph.add_node("b", networkx_key=2)
    graph.add_edge("a", "b", type="t")
    assert 'title="key"' not in _same_gexf(graph, tmp_path)


def test_gexf_of_attribute_names_that_are_no_plain_text_is_networkx_s(tmp_path: Path) -> None:
    """networkx titles an attribute ``str(name)`` (an int name too, and two names alike as text share
    one declaration) and writes a lone surrogate in a name as a character reference: write_gexf raised
    TypeError and UnicodeEncodeError on them."""
    numbered = nx.MultiDiGraph()
    numbered.add_nodes_from([("a", {1: 5}), ("b", {"1": 6})])
    numbered.add_edges_from([("a", "b", {2: "x", "type": "t"})])
    assert 'title="1"' in _same_gexf(numbered, tmp_path, "numbered")
    surrogate = nx.MultiDiGraph()
    surrogate.add_node("a", **{"n\ud800": 1})
    surrogate.add_edge("a", "a", **{"e\udfff": 1.5})
    assert 'title="n&#55296;"' in _same_gexf(surrogate, tmp_path, "surrogate")


def test_an_edge_with_both_type_and_kind_is_declared_once(tmp_path: Path) -> None:
    """The copy writes an edge's ``type`` as ``kind``: an edge holding both has one ``kind``, declared
    once by networkx; the walk's first-edge order held it twice, and write_gexf declared "kind" twice
    (ids 1 and 1, no 0), write_graphml as d0 and d1."""
    for data in ({"kind": "K", "type": "T"}, {"type": "T", "kind": "K", "n": 1}):
        graph = nx.MultiDiGraph()
        graph.add_edge("a", "b", **data)
        graph.add_edge("b", "a", type="U")
        assert _same_gexf(graph, tmp_path).count('title="kind"') == 1
        nx.write_graphml(for_export(graph), tmp_path / "copy.graphml")
        write_graphml(graph, tmp_path / "text.graphml")
        assert (tmp_path / "text.graphml").read_bytes() == (tmp_path / "copy.graphml").read_bytes()


def test_values_no_graph_file_can_declare_are_written_as_text(tmp_path: Path) -> None:
    """A date, a Decimal or a path as an attribute, a tuple as an edge's key: write_gexf raised KeyError
    (networkx's writer of the copy a TypeError), write_graphml a KeyError too. They are written as their
    text, as lists are, in both files, byte for byte as networkx writes the copy; a list holding a date
    and a mapping of keys of two types are JSON text, not a TypeError either."""
    from decimal import Decimal

    graph = nx.MultiDiGraph()
    graph.add_node("a", date=dt.date(2017, 7, 14), where=Path("posts/a.txt"), seen=[dt.date(2017, 7, 15)])
    graph.add_node("b", date=dt.date(2017, 7, 16), counts={1: "one", "two": 2})
    graph.add_edge("a", "b", key=("copy", 1), type="copy_of", score=Decimal("0.5"))
    graph.add_edge("b", "a", type="cites", score=Decimal("1.25"))
    text = _same_gexf(graph, tmp_path)
    assert 'value="2017-07-14"' in text and 'value="0.5"' in text and "value=\"('copy', 1)\"" in text
    nx.write_graphml(for_export(graph), tmp_path / "copy.graphml")
    write_graphml(graph, tmp_path / "text.graphml")
    assert (tmp_path / "text.graphml").read_bytes() == (tmp_path / "copy.graphml").read_bytes()
    back = nx.read_gexf(tmp_path / "g-walked.gexf")
    assert back.nodes["a"]["date"] == "2017-07-14" and back.nodes["a"]["seen"] == '["2017-07-15"]'
