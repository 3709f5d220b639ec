"""A tiny DOM built with the standard library's html.parser, for inspecting the decision aid."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from types import SimpleNamespace

from fastapi import FastAPI
from fastapi.testclient import TestClient

from lupus_sct.web.decision_aid import mount_decision_aid
from support import NOW

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
SVG_SELF_CLOSING = {"circle", "rect", "path", "line"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag)
            and all(
                _has(node, name.rstrip("_").replace("_", "-"), value)
                for name, value in attrs.items()
            )
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]

    def select(self, predicate: Callable[[Node], bool]) -> list[Node]:
        return [node for node in self.iter() if predicate(node)]

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else child.text())
        return " ".join(" ".join(parts).split())


def _has(node: Node, name: str, value: str) -> bool:
    if name == "class":
        return value in node.classes
    return node.attrs.get(name) == value


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, parent=self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


class FixedClock:
    def now(self) -> datetime:
        return NOW


@functools.lru_cache(maxsize=1)
def client() -> TestClient:
    """A minimal FastAPI app with only the decision aid mounted (no database, no login)."""
    app = FastAPI()
    mount_decision_aid(app, SimpleNamespace(clock=FixedClock()))  # type: ignore[arg-type]
    return TestClient(app)


@functools.lru_cache(maxsize=8)
def page(query: str = "") -> Node:
    """The rendered decision aid for ``query``, parsed."""
    response = client().get(f"/decision-aid{query}")
    assert response.status_code == 200
    return parse(response.text)
