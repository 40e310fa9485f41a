"""Small-cell suppression for published counts: a pure module (no database, no I/O).

Every count we publish is either shown or suppressed (null + `suppressed: true`).

*Primary suppression*: a count between 1 and the threshold minus one is suppressed. Zero is shown
(it is a structural fact, not a person), and so is any count at or above the threshold.

*Complementary suppression*: a table is published with its margins (row totals, column totals, the
grand total), and those margins are linear equations over the cells. A suppressed value must not be
recoverable from them. We model a table with margins as its extended (n+1) x (m+1) table: every entry
(cell or margin) is an edge between its row node and its column node (margins sit on an extra row/column
node), and every row and column of the extended table is one equation. A set of suppressed entries leaves
an entry exactly determined by the published values iff that entry is a *bridge* of the graph of
suppressed entries; an entry that lies on a cycle can move by +d/-d around the cycle with every equation
still holding. Because we never suppress a zero, every suppressed value is at least 1, so d = +1 and d = -1
are both feasible: non-negativity does not pin it either.

The algorithm:

1. primary suppression of cells and margins (each with its own threshold: networks use each
   organization's threshold for its column and the largest one for combined values);
2. the two margin lines (row totals + grand total, column totals + grand total) get the same 1-D rule as a
   1-D table, so a 1-D table of a dimension and the margins of any 2-D table with it agree;
3. while some suppressed entry is a bridge, add the cheapest path (fewest, smallest entries; margins and
   above all the grand total only as a last resort; never a zero) that closes a cycle through it.

The grand total is shared by every table of a campaign's evidence, so it is only ever suppressed when it
is small itself, or when nothing else can protect a cell.

1-D tables (cells and one total) are one equation: it is enough that the line has zero or at least two
suppressed values.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Sequence

MIN_THRESHOLD = 5
DEFAULT_THRESHOLD = 10

MARGIN_PENALTY = 10 ** 6   # prefer any interior cell to a margin
TOTAL_PENALTY = 10 ** 9    # and any margin to the grand total


def effective_threshold(configured: int | None) -> int:
    """The organization's threshold, never below the floor of 5."""
    return max(MIN_THRESHOLD, configured if configured is not None else DEFAULT_THRESHOLD)


def is_small(value: int, threshold: int) -> bool:
    """Primary suppression: 1 .. threshold - 1."""
    return 1 <= value < threshold


# ---------------------------------------------------------------- published values


@dataclass(frozen=True)
class Published:
    """A published count: `value` is None exactly when it is suppressed."""

    value: int | None
    suppressed: bool

    @classmethod
    def of(cls, value: int, suppressed: bool) -> "Published":
        if cls is Published:  # immutable values: tables of thousands of cells share the common ones
            if suppressed:
                return _SUPPRESSED
            v = int(value)
            return _SHOWN[v] if 0 <= v < len(_SHOWN) else cls(v, False)
        return cls(None, True) if suppressed else cls(int(value), False)


_SUPPRESSED = Published(None, True)
_SHOWN = tuple(Published(v, False) for v in range(1024))


@dataclass(frozen=True)
class PublishedNumber:
    """A published derived number (a share, a median): None exactly when suppressed (or undefined)."""

    value: float | None
    suppressed: bool


def share(numerator: Published, denominator: Published, digits: int = 4) -> PublishedNumber:
    """A share derived from two published counts: suppressed if either of them is."""
    if numerator.suppressed or denominator.suppressed:
        return PublishedNumber(None, True)
    if not denominator.value:
        return PublishedNumber(None, False)
    return PublishedNumber(round(numerator.value / denominator.value, digits), False)


def median_of(values_count: int, median: float | None, threshold: int) -> PublishedNumber:
    """A median over `values_count` values: suppressed when fewer than the threshold."""
    if values_count == 0 or median is None:
        return PublishedNumber(None, False)
    if values_count < threshold:
        return PublishedNumber(None, True)
    return PublishedNumber(float(median), False)


# ---------------------------------------------------------------- 1-D


def _line_rule(values: Sequence[int], suppressed: list[bool], protected: Sequence[bool]) -> None:
    """In place: if exactly one item of the line is suppressed, suppress one more.

    The smallest non-zero unsuppressed item is chosen, unprotected items (cells) before protected ones
    (the total), ties by position: deterministic.
    """
    if sum(suppressed) != 1:
        return
    candidates = [(protected[i], values[i], i) for i in range(len(values)) if not suppressed[i] and values[i] > 0]
    if candidates:
        suppressed[min(candidates)[2]] = True


@dataclass(frozen=True)
class Suppressed1D:
    cells: tuple[bool, ...]
    total: bool


def suppress_1d(values: Sequence[int], threshold: int | Sequence[int], *,
                total_threshold: int | None = None, force_total: bool = False) -> Suppressed1D:
    """Which of `values` and of their total are suppressed.

    `threshold` may be one threshold or one per value (network columns); the total uses `total_threshold`
    (default: the largest). `force_total`: the total is suppressed elsewhere (a total shared with another table),
    so it is suppressed here too, with its complement.
    """
    n = len(values)
    thresholds = [threshold] * n if isinstance(threshold, int) else list(threshold)
    if len(thresholds) != n:
        raise ValueError("one threshold per value")
    if any(v < 0 for v in values):
        raise ValueError("counts are never negative")
    total_t = total_threshold if total_threshold is not None else max(thresholds, default=MIN_THRESHOLD)
    total = sum(values)
    items = list(values) + [total]
    sup = [is_small(v, t) for v, t in zip(values, thresholds)] + [is_small(total, total_t) or (force_total and
                                                                                                total > 0)]
    _line_rule(items, sup, [False] * n + [True])
    return Suppressed1D(cells=tuple(sup[:n]), total=sup[n])


# ---------------------------------------------------------------- 2-D


@dataclass(frozen=True)
class Suppressed2D:
    cells: tuple[tuple[bool, ...], ...]
    row_totals: tuple[bool, ...]
    column_totals: tuple[bool, ...]
    total: bool


def _bridges(nodes: int, edges: list[tuple[int, int]]) -> set[int]:
    """Indexes of the edges that are bridges (iterative Tarjan; the graph is simple)."""
    adj: list[list[tuple[int, int]]] = [[] for _ in range(nodes)]
    for k, (a, b) in enumerate(edges):
        adj[a].append((b, k))
        adj[b].append((a, k))
    disc = [-1] * nodes
    low = [0] * nodes
    out: set[int] = set()
    timer = 0
    for root in range(nodes):
        if disc[root] != -1:
            continue
        disc[root] = low[root] = timer
        timer += 1
        stack = [(root, -1, iter(adj[root]))]
        while stack:
            node, via, it = stack[-1]
            advanced = False
            for nxt, k in it:
                if k == via:
                    continue
                if disc[nxt] == -1:
                    disc[nxt] = low[nxt] = timer
                    timer += 1
                    stack.append((nxt, k, iter(adj[nxt])))
                    advanced = True
                    break
                low[node] = min(low[node], disc[nxt])
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > disc[parent]:
                    out.add(via)
    return out


def suppress_2d(cells: Sequence[Sequence[int]], threshold: int | None = None, *,
                column_thresholds: Sequence[int] | None = None,
                combined_threshold: int | None = None) -> Suppressed2D:
    """Which cells and margins of an n x m table (published with row, column and grand totals) are suppressed.

    One `threshold` for everything, or (networks) `column_thresholds` (one per column: its cells and its
    column total) and `combined_threshold` (row totals and the grand total; default the largest).
    """
    n = len(cells)
    m = len(cells[0]) if n else 0
    if any(len(r) != m for r in cells):
        raise ValueError("a table is rectangular")
    if any(v < 0 for r in cells for v in r):
        raise ValueError("counts are never negative")
    if column_thresholds is None:
        if threshold is None:
            raise ValueError("a threshold is needed")
        column_thresholds = [threshold] * m
    col_t = list(column_thresholds)
    comb_t = combined_threshold if combined_threshold is not None else (
        threshold if threshold is not None else max(col_t, default=MIN_THRESHOLD))

    # The extended table, flat and row-major: rows 0..n (n = the column-totals row), columns 0..m (m = the
    # row-totals column); entry (r, c) is k = r * (m + 1) + c, the order of the (r, c) pairs.
    w = m + 1
    value = [0] * ((n + 1) * w)
    thr = [comb_t] * ((n + 1) * w)
    for i, row in enumerate(cells):
        base = i * w
        value[base:base + m] = row
        value[base + m] = sum(row)
        thr[base:base + m] = col_t
    for j in range(m):
        value[n * w + j] = sum(row[j] for row in cells)
    thr[n * w:n * w + m] = col_t
    value[n * w + m] = sum(value[i * w + m] for i in range(n))
    sup = [1 <= v < t for v, t in zip(value, thr)]

    # Margin lines first, by the 1-D rule (the grand total protected).
    for line in ([i * w + m for i in range(n + 1)], [n * w + j for j in range(m + 1)]):
        flags = [sup[k] for k in line]
        _line_rule([value[k] for k in line], flags, [False] * (len(line) - 1) + [True])
        for k, f in zip(line, flags):
            sup[k] = f

    # Then close a cycle through every bridge. Nodes: row r -> r, column c -> (n + 1) + c.
    if any(sup):
        ends = [(r, (n + 1) + c) for r in range(n + 1) for c in range(w)]
        penalties = [0] * ((n + 1) * w)
        for i in range(n):
            penalties[i * w + m] = MARGIN_PENALTY
        penalties[n * w:n * w + m] = [MARGIN_PENALTY] * m
        penalties[n * w + m] = TOTAL_PENALTY
        _close_cycles_flat((n + 1) + w, ends, value, sup, penalties)

    return Suppressed2D(
        cells=tuple(tuple(sup[i * w:i * w + m]) for i in range(n)),
        row_totals=tuple(sup[i * w + m] for i in range(n)),
        column_totals=tuple(sup[n * w:n * w + m]),
        total=sup[n * w + m],
    )


def _close_cycles(nodes: int, edge_of: dict, value: dict, sup: dict, penalty) -> None:
    """In place: while some suppressed entry is a bridge of the graph of suppressed entries (so the published
    equations pin it), suppress the cheapest path (fewest, smallest entries; never a zero) that closes a cycle
    through it. `edge_of`: entry -> (node, node); every node is one published equation (its entries' signed sum
    is zero) and every entry lies in exactly two of them, in a balanced orientation (a table and its margins).
    Entries are numbered in their sorted order (ties between bridges and between paths are broken by it)."""
    entries = sorted(edge_of)
    on = [bool(sup[e]) for e in entries]
    if not any(on):
        return  # nothing suppressed: no bridge
    _close_cycles_flat(nodes, [edge_of[e] for e in entries], [value[e] for e in entries], on,
                       [penalty(e) for e in entries])
    for e, f in zip(entries, on):
        sup[e] = f


def _close_cycles_flat(nodes: int, ends: list[tuple[int, int]], vals: list[int], on: list[bool],
                       penalties: list[int]) -> None:
    """`_close_cycles` on entries numbered 0..count-1 (`on`: suppressed, updated in place).

    Flat lists instead of dictionaries: the cost of adding an entry (0 once it is suppressed) and an adjacency
    without the zeros (never suppressed, so never on a path). Neighbours are visited in entry order and ties are
    broken the same way as before this representation (the smallest bridge by (value, entry number); the first
    cheapest path found): the result only depends on the table."""
    count = len(ends)
    cost = [0 if on[k] else penalties[k] + vals[k] + 1 for k in range(count)]
    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(nodes)]
    for k, (a, b) in enumerate(ends):
        if on[k] or vals[k] != 0:  # never suppress a zero
            adjacency[a].append((b, k))
            adjacency[b].append((a, k))
    inf = float("inf")
    push, pop = heapq.heappush, heapq.heappop

    chosen = [k for k in range(count) if on[k]]  # the suppressed entries (bridges are a graph property: any order)
    for _ in range(count + 1):
        bridges = _bridges(nodes, [ends[k] for k in chosen])
        if not bridges:
            return
        # The bridge with the smallest value first (deterministic), then find the cheapest detour.
        bridge = min((chosen[b] for b in bridges), key=lambda k: (vals[k], k))
        start, goal = ends[bridge]
        dist = [inf] * nodes
        dist[start] = 0
        via_node = [-1] * nodes
        via_edge = [-1] * nodes
        heap = [(0, start)]
        while heap:
            d, node = pop(heap)
            if node == goal:
                break
            if d > dist[node]:
                continue
            for nxt, k in adjacency[node]:
                if k == bridge:
                    continue
                nd = d + cost[k]
                if nd < dist[nxt]:
                    dist[nxt] = nd
                    via_node[nxt] = node
                    via_edge[nxt] = k
                    push(heap, (nd, nxt))
        if via_edge[goal] < 0:  # pragma: no cover - the margins always give a detour (see the module doc)
            raise AssertionError("no complementary suppression found")
        node = goal
        while node != start:
            k = via_edge[node]
            node = via_node[node]
            if not on[k]:
                on[k] = True
                cost[k] = 0
                chosen.append(k)
    raise AssertionError("suppression did not converge")  # pragma: no cover


# ---------------------------------------------------------------- 2-D with grouped rows


@dataclass(frozen=True)
class SuppressedGrouped:
    table: Suppressed2D
    groups: tuple[bool, ...]  # the group totals (the sum of their rows' totals)


def suppress_2d_grouped(cells: Sequence[Sequence[int]], groups: Sequence[int], threshold: int) -> SuppressedGrouped:
    """A table whose rows are nested in groups (schools in districts), published with its margins *and* the
    group totals (cases by district).

    The group totals add equations (group total = the sum of its rows' totals): a school's total could be worked
    out from its district's total and the other schools'. The graph of the module doc still models every
    equation with each entry on exactly two of them: the row-totals node is split into one node per group (its
    rows' totals and the group total) and one node for the group totals and the grand total. Rows of a group
    need not be adjacent; `groups[i]` is row i's group, 0 .. G - 1.
    """
    n = len(cells)
    m = len(cells[0]) if n else 0
    if any(len(r) != m for r in cells):
        raise ValueError("a table is rectangular")
    if len(groups) != n:
        raise ValueError("one group per row")
    if any(v < 0 for r in cells for v in r):
        raise ValueError("counts are never negative")
    g_count = max(groups, default=-1) + 1
    value: dict[tuple, int] = {}
    for i in range(n):
        for j in range(m):
            value["cell", i, j] = cells[i][j]
        value["row", i] = sum(cells[i])
    for j in range(m):
        value["col", j] = sum(cells[i][j] for i in range(n))
    for k in range(g_count):
        value["group", k] = sum(value["row", i] for i in range(n) if groups[i] == k)
    value["total", 0] = sum(value["row", i] for i in range(n))
    sup = {e: is_small(v, threshold) for e, v in value.items()}

    # nodes: rows 0..n-1, columns n..n+m-1, the column-totals line n+m, groups n+m+1.., the group-totals line last
    ct, g0 = n + m, n + m + 1
    gt = g0 + g_count
    edge_of: dict[tuple, tuple[int, int]] = {}
    for i in range(n):
        for j in range(m):
            edge_of["cell", i, j] = (i, n + j)
        edge_of["row", i] = (i, g0 + groups[i])
    for j in range(m):
        edge_of["col", j] = (n + j, ct)
    for k in range(g_count):
        edge_of["group", k] = (g0 + k, gt)
    edge_of["total", 0] = (gt, ct)

    def penalty(e) -> int:
        return 0 if e[0] == "cell" else TOTAL_PENALTY if e[0] == "total" else MARGIN_PENALTY

    _close_cycles(gt + 1, edge_of, value, sup, penalty)
    return SuppressedGrouped(
        table=Suppressed2D(cells=tuple(tuple(sup["cell", i, j] for j in range(m)) for i in range(n)),
                           row_totals=tuple(sup["row", i] for i in range(n)),
                           column_totals=tuple(sup["col", j] for j in range(m)), total=sup["total", 0]),
        groups=tuple(sup["group", k] for k in range(g_count)))
