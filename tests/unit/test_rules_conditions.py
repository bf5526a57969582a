"""The condition tree: every node lists its children, leaves say what they bind, and the
attributes of each kind of bound item are listed once (issue 14, item 5)."""

from __future__ import annotations

import typing

import re2

from streams.rules import conditions as c
from streams.rules.handmade import HandmadeExtraction as H
from streams.rules.matcher import facts_of

CONCEPT = c.ConceptLeaf(frozenset({"deployment"}), "what")
ENTITY = c.EntityLeaf(types=frozenset({"GPE"}), binding="where")
COUNT = c.CountLeaf(counted=frozenset({"people"}), binding="killed")
REGEX = c.RegexLeaf("x+", re2.compile("x+"), "xs")
FRAME = c.FrameLeaf(frozenset({"attack"}), roles=(c.FrameRole("actor", "who"), c.FrameRole("location", "at", False)),
                    counts=(c.FrameCount("dead"),), binding="event")


def test_every_node_type_has_children() -> None:
    tree = c.SameSentence(c.AllOf((CONCEPT, c.OptionalOf(COUNT), c.NotOf(REGEX),
                                   c.Within(3, c.AnyOf((ENTITY, FRAME))), c.Exists(c.Lead(2, CONCEPT)))))
    seen: list[type] = []

    def walk(node: c.Condition) -> None:
        seen.append(type(node))
        for child in node.children():
            walk(child)

    walk(tree)
    assert set(typing.get_args(c.Condition)) - {c.WholeArticle, c.Where} <= set(seen)
    assert c.WholeArticle(CONCEPT).children() == (CONCEPT,)


def test_bindings_and_required_bindings_from_the_tree() -> None:
    tree = c.AllOf((CONCEPT, c.OptionalOf(COUNT), c.NotOf(REGEX), c.Exists(ENTITY), FRAME))
    assert c.bindings_of(tree) == {"what": "concept", "killed": "count", "event": "frame", "who": "entity",
                                   "at": "entity", "dead": "count"}
    assert c.required_bindings(tree) == {"what", "event", "who"}
    assert c.required_bindings(c.AnyOf((c.AllOf((CONCEPT, ENTITY)), CONCEPT))) == {"what"}


def test_facts_of_each_item_kind_are_the_listed_attributes() -> None:
    ex = (H("Drei Menschen wurden in Kiew getötet.")
          .entity("Kiew", "GPE", "city:kyiv", "Kyiv", country="UA", kind="city")
          .concept("getötet", "killing")
          .count("Drei", 3, counted="people")).build()
    assert set(facts_of(ex.entities[0])) == set(c.ATTRIBUTES["entity"])
    assert set(facts_of(ex.concepts[0])) == set(c.ATTRIBUTES["concept"])
    assert set(facts_of(ex.counts[0])) == set(c.ATTRIBUTES["count"])
    assert facts_of(ex.entities[0])["country"] == "UA"
