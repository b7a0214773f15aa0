"""Oracle helpers: the same queries answered by networkx."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx


@dataclass
class Oracle:
    """Reference answers computed with networkx on the same graph."""

    g: nx.Graph

    def nbrs(self, a: int) -> list[int]:
        return sorted(self.g[a]) if a in self.g else []

    def dists(self, a: int) -> dict[int, int]:
        if a not in self.g:
            return {a: 0}
        return dict(nx.single_source_shortest_path_length(self.g, a, cutoff=3))

    def degree(self, a: int, b: int) -> int:
        if a == b:
            return 0
        return self.dists(a).get(b, 0)

    def mutual(self, a: int, b: int) -> list[int]:
        return sorted(set(self.nbrs(a)) & set(self.nbrs(b)))

    def at(self, a: int, d: int) -> list[int]:
        return sorted(x for x, k in self.dists(a).items() if k == d)

    def suggestions(self, a: int, limit: int, exclude: set[int]) -> list[tuple[int, int]]:
        cands = [(c, len(self.mutual(a, c))) for c in self.at(a, 2) if c not in exclude]
        cands.sort(key=lambda t: (-t[1], t[0]))
        return cands[:limit]

    def intro_paths(self, a: int, b: int, limit: int) -> list[tuple[int, ...]]:
        d = self.degree(a, b)
        if d not in (2, 3):
            return []
        paths = [tuple(p) for p in nx.all_shortest_paths(self.g, a, b)]

        def key(p: tuple[int, ...]) -> tuple[int, ...]:
            if len(p) == 3:
                return (-len(self.mutual(a, p[1])), p[1])
            return (-len(self.mutual(a, p[1])), -len(self.mutual(a, p[2])), p[1], p[2])

        return sorted(paths, key=key)[:limit]

    def reach(self, a: int) -> tuple[int, int, int]:
        dd = self.dists(a)
        return tuple(sum(1 for k in dd.values() if k == d) for d in (1, 2, 3))  # type: ignore[return-value]
