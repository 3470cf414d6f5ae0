"""The Relay ``Node`` interface and ``node(id:)``: refetch a case or a review by its id.

A case's or review's id is its UUID, the same raw id every other field takes and answers
(``case(id:)``, ``caseHistory(caseId:)``, ``Review.caseIds``): UUIDs are already unique across
types, so they serve as global ids unchanged and no client needs to translate. A deadline, an
action or an access-log entry is not a Node: each belongs to its case or review and is read
through it."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.graph.context import GraphContext


@strawberry.interface(description="An object that can be fetched again by its id (Relay)")
class Node:
    id: strawberry.ID


@strawberry.type
class NodeQuery:
    @strawberry.field(description="A case or a review, by its id (null when not yours)")
    def node(self, info: Info[GraphContext, None], id: strawberry.ID) -> Node | None:
        from api.graph.cases.query import find_case
        from api.graph.reviews.query import find_review

        found: Node | None = find_case(info.context, id=id) or find_review(info.context, id)
        return found
