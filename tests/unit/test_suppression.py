"""Small-cell and complementary suppression: property tests that try to recover suppressed values.

For every generated table we publish what the algorithm lets through (cells, row totals, column totals,
grand total) and then attack it three independent ways:

- line check: no equation (row, column, margin line) has exactly one suppressed value;
- linear algebra: exact rational rank; a suppressed value is pinned by the published values iff removing
  its column from the system lowers the rank;
- brute force: an integer search for another non-negative solution, consistent with every published value,
  in which the suppressed value differs (for each suppressed value).
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.campaigns.suppression import (
    MIN_THRESHOLD, Published, _bridges, effective_threshold, median_of, share, suppress_1d, suppress_2d,
    suppress_2d_grouped,
)

counts = st.one_of(st.just(0), st.integers(1, 12), st.integers(8, 60))
thresholds = st.integers(MIN_THRESHOLD, 12)


# ---------------------------------------------------------------- the attacker's model


def extended(cells):
    """(values, equations) of the table with margins; equations are {entry: coefficient}, each summing to 0."""
    n, m = len(cells), len(cells[0])
    value = {(i, j): cells[i][j] for i in range(n) for j in range(m)}
    for i in range(n):
        value[i, m] = sum(cells[i])
    for j in range(m):
        value[n, j] = sum(cells[i][j] for i in range(n))
    value[n, m] = sum(value[i, m] for i in range(n))
    eqs = []
    for i in range(n + 1):
        eqs.append({**{(i, j): 1 for j in range(m)}, (i, m): -1})
    for j in range(m + 1):
        eqs.append({**{(i, j): 1 for i in range(n)}, (n, j): -1})
    return value, eqs


def flags_2d(res, n, m):
    sup = {(i, j): res.cells[i][j] for i in range(n) for j in range(m)}
    sup.update({(i, m): res.row_totals[i] for i in range(n)})
    sup.update({(n, j): res.column_totals[j] for j in range(m)})
    sup[n, m] = res.total
    return sup


def rank(rows: list[list[Fraction]]) -> int:
    rows = [r[:] for r in rows]
    r = 0
    cols = len(rows[0]) if rows else 0
    for c in range(cols):
        pivot = next((k for k in range(r, len(rows)) if rows[k][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        for k in range(len(rows)):
            if k != r and rows[k][c] != 0:
                f = rows[k][c] / rows[r][c]
                rows[k] = [a - f * b for a, b in zip(rows[k], rows[r])]
        r += 1
    return r


def linearly_pinned(value, eqs, sup) -> list:
    unknown = sorted((e for e, s in sup.items() if s), key=repr)
    if not unknown:
        return []
    matrix = [[Fraction(eq.get(u, 0)) for u in unknown] for eq in eqs]
    full = rank(matrix)
    pinned = []
    for k, u in enumerate(unknown):
        without = [row[:k] + row[k + 1:] for row in matrix]
        if rank(without) < full:
            pinned.append(u)
    return pinned


def has_alternative(value, eqs, sup, target, window=2) -> bool:
    """Is there a non-negative integer solution, matching every published value, with `target` changed?"""
    unknown = sorted((e for e, s in sup.items() if s), key=repr)
    order = [target] + [u for u in unknown if u != target]

    def consistent(assign) -> bool:
        for eq in eqs:
            missing = [e for e in eq if sup[e] and e not in assign]
            total = sum(c * (assign[e] if sup[e] else value[e]) for e, c in eq.items()
                        if not (sup[e] and e not in assign))
            if not missing and total != 0:
                return False
            if len(missing) == 1:
                forced = -total * eq[missing[0]]
                if forced < 0:
                    return False
        return True

    def search(k, assign) -> bool:
        if not consistent(assign):
            return False
        if k == len(order):
            return True
        e = order[k]
        lo, hi = max(0, value[e] - window), value[e] + window
        for v in range(lo, hi + 1):
            if k == 0 and v == value[e]:
                continue
            assign[e] = v
            if search(k + 1, assign):
                return True
            del assign[e]
        return False

    return search(0, {})


def check_2d(cells, res, col_t, comb_t):
    n, m = len(cells), len(cells[0])
    value, eqs = extended(cells)
    sup = flags_2d(res, n, m)
    thr = {e: (comb_t if e[1] == m else col_t[e[1]]) for e in value}
    for e, v in value.items():
        assert not (sup[e] and v == 0), f"a zero was suppressed at {e}"
        if 1 <= v < thr[e]:
            assert sup[e], f"small value {v} at {e} published"
    for eq in eqs:
        assert sum(sup[e] for e in eq) != 1, f"an equation with one suppressed value: {sorted(eq)}"
    assert linearly_pinned(value, eqs, sup) == []
    return value, eqs, sup


# ---------------------------------------------------------------- 1-D


@given(st.lists(counts, min_size=0, max_size=8), thresholds)
def test_1d_small_counts_are_suppressed_and_never_alone(values, t):
    res = suppress_1d(values, t)
    total = sum(values)
    items = list(values) + [total]
    flags = list(res.cells) + [res.total]
    for v, s in zip(items, flags):
        if 1 <= v < t:
            assert s
        if v == 0:
            assert not s
    assert sum(flags) != 1  # one equation: two or more unknowns (all >= 1) are never pinned
    value = {k: v for k, v in enumerate(items)}
    sup = {k: f for k, f in enumerate(flags)}
    eqs = [{**{k: 1 for k in range(len(values))}, len(values): -1}]
    assert linearly_pinned(value, eqs, sup) == []
    for k in (k for k, f in sup.items() if f):
        assert has_alternative(value, eqs, sup, k), f"value {k} = {value[k]} can be recovered"


@given(st.lists(counts, min_size=1, max_size=6), st.lists(thresholds, min_size=6, max_size=6))
def test_1d_network_thresholds_per_column_and_max_for_the_combined(values, ts):
    ts = ts[:len(values)]
    res = suppress_1d(values, ts)
    for v, t, s in zip(values, ts, res.cells):
        assert s == (1 <= v < t) or (s and v > 0)
    assert res.total or not (1 <= sum(values) < max(ts))
    assert sum(res.cells) + res.total != 1


def test_1d_examples():
    assert suppress_1d([3, 20, 15, 0], 10).cells == (True, False, True, False)  # the smallest other non-zero
    one = suppress_1d([3, 0, 0], 10)
    assert one.cells == (True, False, False) and one.total  # the total is the only partner (and small itself)
    assert suppress_1d([12, 30], 10) == suppress_1d([12, 30], 10)
    assert not any(suppress_1d([12, 30], 10).cells)
    assert suppress_1d([], 10).total is False
    # a total suppressed in another table (the grand total shared by the evidence) is suppressed here too, with the
    # smallest cell as its complement (else the total would be the sum of the published cells)
    forced = suppress_1d([12, 30, 25], 10, force_total=True)
    assert forced.total and forced.cells == (True, False, False)
    assert suppress_1d([0, 0], 10, force_total=True) == suppress_1d([0, 0], 10)  # a zero total is never suppressed


# ---------------------------------------------------------------- 2-D


tables = st.integers(1, 4).flatmap(lambda n: st.integers(1, 4).flatmap(
    lambda m: st.lists(st.lists(counts, min_size=m, max_size=m), min_size=n, max_size=n)))


@settings(max_examples=300, deadline=None)
@given(tables, thresholds)
def test_2d_no_suppressed_value_is_pinned_by_the_published_margins(cells, t):
    res = suppress_2d(cells, t)
    m = len(cells[0])
    check_2d(cells, res, [t] * m, t)


@settings(max_examples=120, deadline=None)
@given(st.integers(1, 3).flatmap(lambda n: st.integers(1, 3).flatmap(
    lambda m: st.lists(st.lists(st.one_of(st.just(0), st.integers(1, 9), st.integers(9, 25)), min_size=m, max_size=m),
                       min_size=n, max_size=n))), thresholds)
def test_2d_brute_force_finds_another_solution_for_every_suppressed_value(cells, t):
    res = suppress_2d(cells, t)
    value, eqs, sup = check_2d(cells, res, [t] * len(cells[0]), t)
    for e in (e for e, s in sup.items() if s):
        assert has_alternative(value, eqs, sup, e), f"{e} = {value[e]} can be recovered"


@settings(max_examples=200, deadline=None)
@given(tables, st.lists(thresholds, min_size=4, max_size=4))
def test_2d_network_columns_keep_their_own_threshold(cells, ts):
    m = len(cells[0])
    col_t = ts[:m]
    res = suppress_2d(cells, column_thresholds=col_t, combined_threshold=max(col_t))
    check_2d(cells, res, col_t, max(col_t))


# ---------------------------------------------------------------- 2-D with grouped rows (schools in districts)


def extended_grouped(cells, groups):
    """The attacker's equations for a table published with its margins and its row groups' totals."""
    value, eqs = extended(cells)
    n, m = len(cells), len(cells[0])
    for k in range(max(groups) + 1):
        value["group", k] = sum(value[i, m] for i in range(n) if groups[i] == k)
        eqs.append({**{(i, m): 1 for i in range(n) if groups[i] == k}, ("group", k): -1})
    return value, eqs


def check_grouped(cells, groups, t):
    res = suppress_2d_grouped(cells, groups, t)
    n, m = len(cells), len(cells[0])
    value, eqs = extended_grouped(cells, groups)
    sup = flags_2d(res.table, n, m)
    sup.update({("group", k): f for k, f in enumerate(res.groups)})
    for e, v in value.items():
        assert not (sup[e] and v == 0), f"a zero was suppressed at {e}"
        if 1 <= v < t:
            assert sup[e], f"small value {v} at {e} published"
    for eq in eqs:
        assert sum(sup[e] for e in eq) != 1, f"an equation with one suppressed value: {sorted(eq, key=repr)}"
    assert linearly_pinned(value, eqs, sup) == []
    return value, eqs, sup


grouped_tables = st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.integers(1, 3).flatmap(lambda m: st.lists(st.lists(counts, min_size=m, max_size=m), min_size=n, max_size=n)),
    st.lists(st.integers(0, 2), min_size=n, max_size=n)))


def _dense(groups):
    """Group numbers 0..G-1 with every group used (the order of first use)."""
    order = list(dict.fromkeys(groups))
    return [order.index(g) for g in groups]


@settings(max_examples=300, deadline=None)
@given(grouped_tables, thresholds)
def test_grouped_rows_no_suppressed_school_is_pinned_by_district_totals(table, t):
    cells, groups = table
    check_grouped(cells, _dense(groups), t)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(
    st.integers(1, 2).flatmap(lambda m: st.lists(st.lists(st.one_of(st.just(0), st.integers(1, 9), st.integers(9, 25)),
                                                          min_size=m, max_size=m), min_size=n, max_size=n)),
    st.lists(st.integers(0, 1), min_size=n, max_size=n))), thresholds)
def test_grouped_rows_brute_force_finds_another_solution(table, t):
    cells, groups = table
    value, eqs, sup = check_grouped(cells, _dense(groups), t)
    for e in (e for e, s in sup.items() if s):
        assert has_alternative(value, eqs, sup, e), f"{e} = {value[e]} can be recovered"


def test_a_school_alone_in_its_district_is_not_revealed_by_the_district_total():
    # school 0 (district 0) is small; its district's total equals it; school 1 (district 1) is large
    res = suppress_2d_grouped([[3, 0], [40, 25]], [0, 1], 10)
    assert res.table.row_totals[0] and res.groups[0]
    # ... and the district total is not the only suppressed value of the district line
    assert res.groups[1] or res.table.total
    # a district with two schools: one small school needs a partner among the schools or its district total
    res = suppress_2d_grouped([[3, 2], [20, 22], [40, 25]], [0, 0, 1], 10)
    row, grp = res.table.row_totals, res.groups
    assert row[0] and (row[1] or grp[0])


def test_2d_is_transpose_consistent_on_margins_with_1d():
    cells = [[3, 14, 25], [12, 0, 40], [30, 22, 2]]
    res = suppress_2d(cells, 10)
    one_d_rows = suppress_1d([sum(r) for r in cells], 10)
    assert res.row_totals == one_d_rows.cells and res.total == one_d_rows.total


def test_two_rectangles_joined_by_one_cell_is_a_bridge():
    # rows r0..r3 = nodes 0..3, columns c0..c3 = nodes 4..7: two 4-cycles plus the edge r0-c2
    edges = [(0, 4), (0, 5), (1, 4), (1, 5), (2, 6), (2, 7), (3, 6), (3, 7), (0, 6)]
    assert _bridges(8, edges) == {8}
    assert _bridges(8, edges[:8]) == set()


def test_single_small_cell_is_protected_by_its_margins():
    res = suppress_2d([[3, 0], [0, 0]], 10)
    assert res.cells[0][0] and res.row_totals[0] and res.column_totals[0] and res.total


def test_grand_total_is_a_last_resort():
    res = suppress_2d([[3, 20], [15, 12]], 10)
    assert res.total is False and res.cells == ((True, True), (True, True))


def test_shares_and_medians():
    assert share(Published.of(3, True), Published.of(40, False)).suppressed
    assert share(Published.of(30, False), Published.of(40, True)).suppressed
    assert share(Published.of(30, False), Published.of(40, False)).value == 0.75
    assert share(Published.of(0, False), Published.of(0, False)).value is None
    assert median_of(4, 6.5, 10).suppressed and median_of(4, 6.5, 10).value is None
    assert median_of(12, 6.5, 10).value == 6.5
    assert not median_of(0, None, 10).suppressed


def test_threshold_floor():
    assert effective_threshold(3) == 5 and effective_threshold(None) == 10 and effective_threshold(12) == 12
