"""relscore's link features added by issue 16 (rhythm, balance, daily and weekly profiles,
query lag, longer paths capped at the newest neighbours), each against a slow Python
reference computed from the whole history, on small random logs with repeated pairs, equal
timestamps and self-loops."""

import math

import numpy as np
import pytest

import relscore.evaluate as ev
from relscore import _eval

DAY = 86400.0
NEW_FEATURES = ("overdue_pair", "pair_mean_gap", "dst_overdue", "dst_balance_1d", "dst_balance_7d", "dst_since_in",
                "dst_since_out", "src_since_active", "dst_hour_share", "src_hour_share", "pair_hour_share",
                "dst_weekday_share", "query_lag", "dst_new_in_1d", "dst_new_out_7d", "dst_since_new_in", "dst_degree",
                "src_degree", "two_hop_1d", "adamic_adar", "paths_3", "co_senders", "rank_in_src",
                "rank_in_dst", "walk2_1d", "walk2_7d", "hop2_since", "src_target_dormancy",
                "dst_dormancy_vs_src", "cohort_gap", "cohort_vs_src", "cohort_near_recent", "cohort_last_gap",
                "cohort_step")


def reference(history, u, v, at):
    """The documented definitions (include/relscore/eval/link_models.hpp), by brute force."""
    def since(times):
        return -math.log1p((at - max(times)) / 60) if times else -20.0

    def mean_gap(times):
        return float(np.mean(np.diff(times))) if len(times) > 1 else 0.0

    def overdue(times):
        gap = mean_gap(times)
        return math.log1p((at - times[-1]) / gap) if gap > 0 else 0.0

    def decayed(times, half_life):
        return sum(2.0 ** (-(at - t) / half_life) for t in times)

    def hour(t):
        return int((t % DAY) // 3600)

    def hour_share(times):
        c = sum(1 for t in times if (hour(t) - hour(at)) % 24 in (0, 1, 23))
        return math.log(8 * (c + 1) / (len(times) + 8))

    node = {x: [t for a, b, t in history if a == x or b == x] for x in (u, v)}
    pair = [t for a, b, t in history if {a, b} == {u, v}]  # either way (a self-loop when u == v)
    into_v = [t for a, b, t in history if b == v]
    out_of_v = [t for a, b, t in history if a == v]
    weekday = int((at % (7 * DAY)) // DAY)
    same_weekday = sum(1 for t in node[v] if int((t % (7 * DAY)) // DAY) == weekday)
    first_edges, seen = [], set()  # the edge that opened each ordered pair
    for a, b, t in history:
        if (a, b) not in seen:
            seen.add((a, b))
            first_edges.append((a, b, t))

    def neighbours(x):
        return {b if a == x else a for a, b, _ in history if a != b and x in (a, b)}

    def met(x, y):
        return any({a, b} == {x, y} for a, b, _ in history)

    def tie(x, y):  # S_xy at 1 day
        return decayed([t for a, b, t in history if {a, b} == {x, y}], DAY)

    adamic_adar = 0
    if u != v:
        adamic_adar = sum(1 / math.log(2 + len(neighbours(w))) for w in (neighbours(u) & neighbours(v)) - {u, v})
    paths_3, co_senders = recent_paths(history, u, v)

    def last(x, y):  # the newest edge between x and y, either way
        return max(t for a, b, t in history if {a, b} == {x, y})

    common = (neighbours(u) & neighbours(v)) - {u, v} if u != v else set()
    walks = {}
    for name, half_life in (("1d", DAY), ("7d", 7 * DAY)):
        s = lambda x, y: decayed([t for a, b, t in history if {a, b} == {x, y}], half_life)  # noqa: E731
        walks["walk2_" + name] = math.log1p(sum(s(u, w) * s(w, v) for w in common))
    walks["hop2_since"] = since([min(last(u, w), last(w, v)) for w in common])

    def dormancy(x, before, now):  # from the edges before history[before]
        times = [t for a, b, t in history[:before] if x in (a, b)]
        return math.log1p((now - max(times)) / 60) if times else 20.0

    sent = [dormancy(b, k, t) for k, (a, b, t) in enumerate(history) if a == u]
    habit = sum(sent) / len(sent) if sent else -1.0
    walks["src_target_dormancy"] = habit
    walks["dst_dormancy_vs_src"] = dormancy(v, len(history), at) - habit if sent else 0.0

    def first(x, before=None):  # the time of x's first edge either way, among history[:before]
        times = [t for a, b, t in history[:before] if x in (a, b)]
        return times[0] if times else None

    cohorts = {"cohort_gap": -1.0, "cohort_near_recent": -1.0, "cohort_last_gap": -1.0, "cohort_step": 0.0}
    if first(u) is not None and first(v) is not None:
        cohorts["cohort_gap"] = math.log1p(abs(first(u) - first(v)) / 3600)
    firsts = [first(b, k) if first(b, k) is not None else t for k, (a, b, t) in enumerate(history) if a == u]
    cohorts["cohort_vs_src"] = ((first(v) if first(v) is not None else at) - sum(firsts) / len(firsts)) / DAY \
        if firsts else 0.0
    others = [y for y in recent_list(history, u, destination) if y != v]
    if first(v) is not None and others:
        gaps = [abs(first(y) - first(v)) for y in others]
        cohorts["cohort_near_recent"] = math.log1p(min(gaps) / 3600)
        cohorts["cohort_last_gap"] = math.log1p(gaps[0] / 3600)
        cohorts["cohort_step"] = (first(v) - first(others[0])) / DAY

    two_hop = 0.0
    if u != v and not met(u, v):
        two_hop = sum(min(tie(u, w), tie(w, v)) for w in neighbours(u) & neighbours(v))
    return {
        **walks,
        **cohorts,
        "dst_new_in_1d": math.log1p(decayed([t for _, b, t in first_edges if b == v], DAY)),
        "dst_new_out_7d": math.log1p(decayed([t for a, _, t in first_edges if a == v], 7 * DAY)),
        "dst_since_new_in": since([t for _, b, t in first_edges if b == v]),
        "dst_degree": math.log1p(len(neighbours(v))),
        "src_degree": math.log1p(len(neighbours(u))),
        "two_hop_1d": math.log1p(two_hop),
        "adamic_adar": adamic_adar,
        "paths_3": math.log1p(paths_3),
        "co_senders": math.log1p(co_senders),
        "rank_in_src": recent_rank(history, u, v),
        "rank_in_dst": recent_rank(history, v, u),
        "overdue_pair": overdue(pair),
        "pair_mean_gap": math.log1p(mean_gap(pair) / 60) if mean_gap(pair) > 0 else -1.0,
        "dst_overdue": overdue(node[v]),
        "dst_balance_1d": math.log((1 + decayed(into_v, DAY)) / (1 + decayed(out_of_v, DAY))),
        "dst_balance_7d": math.log((1 + decayed(into_v, 7 * DAY)) / (1 + decayed(out_of_v, 7 * DAY))),
        "dst_since_in": since(into_v),
        "dst_since_out": since(out_of_v),
        "src_since_active": since(node[u]),
        "dst_hour_share": hour_share(node[v]),
        "src_hour_share": hour_share(node[u]),
        "pair_hour_share": hour_share(pair),
        "dst_weekday_share": math.log(7 * (same_weekday + 1) / (len(node[v]) + 7)),
        "query_lag": since([t for _, _, t in history]),
    }


PATH_CAP = 16  # link_path_cap (include/relscore/eval/link_models.hpp)


def recent_list(history, x, end):
    """The PATH_CAP nodes whose newest edge with x came last in the log, newest first, among
    the other ends ``end(a, b)`` gives (None: the edge does not count; self-loops never do)."""
    order = {}
    for k, (a, b, _) in enumerate(history):
        y = end(a, b, x)
        if y is not None and y != x:
            order[y] = k
    return sorted(order, key=order.get, reverse=True)[:PATH_CAP]


def recent(history, x, end):
    return set(recent_list(history, x, end))


def recent_rank(history, x, y):
    """y's place among x's recent neighbours (0 = the newest), PATH_CAP if not there."""
    near = recent_list(history, x, either)
    return near.index(y) if y in near else PATH_CAP


def either(a, b, x):
    return b if a == x else a if b == x else None


def destination(a, b, x):
    return b if a == x else None


def sender(a, b, x):
    return a if b == x else None


def recent_paths(history, u, v):
    """paths_3 and co_senders before their log1p, by their definitions over the recent lists."""
    if u == v:
        return 0, 0
    near_v, from_u = recent(history, v, either), recent(history, u, destination)
    paths_3 = sum(1 for x in recent(history, u, either) if x != v
                  for y in recent(history, x, either) if y not in (u, v) and y in near_v)
    co_senders = sum(len((recent(history, y, destination) & from_u) - {v})
                     for y in recent(history, v, sender) if y != u)
    return paths_3, co_senders


def random_log(rng, n, nodes):
    gaps = rng.choice([0.0, 600.0, 3600.0, 5 * 3600.0, DAY + 1234.0], size=n)
    ts = 500.0 + np.cumsum(gaps)
    src = rng.integers(1, nodes + 1, n)
    dst = rng.integers(1, nodes + 1, n)  # self-loops included on purpose
    return [(int(a), int(b), float(t)) for a, b, t in zip(src, dst, ts)]


@pytest.mark.parametrize("seed", range(6))
def test_new_link_features_match_a_brute_force_reference(seed):
    assert set(NEW_FEATURES) <= set(ev.LINK_FEATURES)
    rng = np.random.default_rng(seed)
    nodes = 5
    log = random_log(rng, 80, nodes)
    known = 20 + 10 * seed
    model = _eval.make_relscore_link(np.zeros(len(ev.LINK_FEATURES)))
    for start in range(0, known, 7):  # in chunks, as the stream feeds it
        part = log[start:min(known, start + 7)]
        model.observe(np.array([e[0] for e in part], np.int64), np.array([e[1] for e in part], np.int64),
                      np.array([e[2] for e in part]))
    history = log[:known]
    at = history[-1][2] + float(rng.choice([0.0, 1800.0, 7 * 3600.0, 3 * DAY]))
    pairs = [(a, b) for a in range(1, nodes + 2) for b in range(1, nodes + 2)]  # node nodes+1 never seen
    src = np.array([a for a, _ in pairs], np.int64)
    dst = np.array([b for _, b in pairs], np.int64)
    rows = model.features(src, dst, np.full(len(pairs), at))
    for k, (a, b) in enumerate(pairs):
        want = reference(history, a, b, at)
        for name in NEW_FEATURES:
            got = rows[k, ev.LINK_FEATURES.index(name)]
            assert got == pytest.approx(want[name], rel=1e-9, abs=1e-9), (name, a, b)


def test_path_features_walk_only_the_newest_neighbours():
    """Hubs that met far more than PATH_CAP nodes: the cap decides paths_3, co_senders and the ranks."""
    rng = np.random.default_rng(11)
    n = 1200
    hubs = rng.integers(1, 5, n)
    others = rng.integers(5, 90, n)
    flip = rng.random(n) < 0.5
    src, dst = np.where(flip, others, hubs), np.where(flip, hubs, others)
    ts = 100.0 + np.cumsum(rng.choice([0.0, 60.0], n))
    history = [(int(a), int(b), float(t)) for a, b, t in zip(src, dst, ts)]
    assert len(recent(history, 1, either)) == PATH_CAP < len({b for a, b, _ in history if a == 1})
    model = _eval.make_relscore_link(np.zeros(len(ev.LINK_FEATURES)))
    model.observe(src.astype(np.int64), dst.astype(np.int64), ts)
    pairs = [(a, b) for a in (1, 2, 7, 40) for b in (1, 3, 12, 70)]
    rows = model.features(np.array([a for a, _ in pairs], np.int64), np.array([b for _, b in pairs], np.int64),
                          np.full(len(pairs), ts[-1] + 5))
    for k, (a, b) in enumerate(pairs):
        paths_3, co_senders = recent_paths(history, a, b)
        assert rows[k, ev.LINK_FEATURES.index("paths_3")] == pytest.approx(math.log1p(paths_3), rel=1e-12), (a, b)
        assert rows[k, ev.LINK_FEATURES.index("co_senders")] == pytest.approx(math.log1p(co_senders), rel=1e-12), (a, b)
        assert rows[k, ev.LINK_FEATURES.index("rank_in_src")] == recent_rank(history, a, b), (a, b)
        assert rows[k, ev.LINK_FEATURES.index("rank_in_dst")] == recent_rank(history, b, a), (a, b)


def test_query_lag_is_the_never_value_before_any_edge():
    model = _eval.make_relscore_link(np.zeros(len(ev.LINK_FEATURES)))
    rows = model.features(np.array([1], np.int64), np.array([2], np.int64), np.array([10.0]))
    assert rows[0, ev.LINK_FEATURES.index("query_lag")] == -20.0
    assert rows[0, ev.LINK_FEATURES.index("pair_mean_gap")] == -1.0


def test_booster_reads_the_third_round_features_only_with_random_negatives():
    """relscore.evaluate.LINK_BOOSTER_LEFT_OUT: the historical and inductive boosters are the
    trees fitted without those columns and ignore them; the random booster reads every column."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(3)
    n, nodes = 3000, 60
    favourites = rng.integers(0, nodes, (nodes, 4))
    src = rng.integers(0, nodes, n)
    dst = np.where(rng.random(n) < 0.8, favourites[src, rng.integers(0, 4, n)], rng.integers(0, nodes, n))
    dst = np.where(dst == src, (dst + 1) % nodes, dst)
    ts = np.cumsum(rng.integers(0, 600, n)).astype(float)
    data = ev.split(ev.TemporalEdges(src.astype(np.int64), dst.astype(np.int64), ts - ts[0], "synthetic"))
    left_out = [ev.LINK_FEATURES.index(name) for name in ev.LINK_BOOSTER_LEFT_OUT["historical"]]
    assert left_out and ev.LINK_BOOSTER_LEFT_OUT["inductive"] == ev.LINK_BOOSTER_LEFT_OUT["historical"]
    assert "random" not in ev.LINK_BOOSTER_LEFT_OUT
    assert ev.link_booster_columns("random") == list(range(len(ev.LINK_FEATURES)))

    plan = ev.make_plan(data, "transductive", "historical", "val")
    booster = ev.fit_link_booster(plan)
    columns = [j for j in range(len(ev.LINK_FEATURES)) if j not in left_out]
    assert list(booster.columns) == columns
    x = np.vstack(ev.link_features(plan))
    y = np.r_[np.ones(len(x) // 2), np.zeros(len(x) // 2)]
    params = {**ev.LINK_BOOSTER_PARAMS, "monotonic_cst": [ev.LINK_BOOSTER_PARAMS["monotonic_cst"][j] for j in columns]}
    reference = HistGradientBoostingClassifier(**params).fit(x[:, columns], y)
    assert np.array_equal(booster.decision_function(x), reference.decision_function(x[:, columns]))
    scrambled = x.copy()
    scrambled[:, left_out] = rng.permutation(scrambled[:, left_out])
    assert np.array_equal(booster.decision_function(scrambled), booster.decision_function(x))

    random_booster = ev.fit_link_booster(ev.make_plan(data, "transductive", "random", "val"))
    assert len(random_booster.columns) == len(ev.LINK_FEATURES)
    assert random_booster.trees.n_features_in_ == len(ev.LINK_FEATURES)


def synthetic_split(seed=3, n=3000, nodes=60):
    rng = np.random.default_rng(seed)
    favourites = rng.integers(0, nodes, (nodes, 4))
    src = rng.integers(0, nodes, n)
    dst = np.where(rng.random(n) < 0.8, favourites[src, rng.integers(0, 4, n)], rng.integers(0, nodes, n))
    ts = np.cumsum(rng.choice([0, 0, 60, 600, 3600], n)).astype(float)  # equal timestamps are common
    return ev.split(ev.TemporalEdges(src.astype(np.int64), dst.astype(np.int64), ts, "synthetic"))


def test_batch_features_at_the_newest_known_edge():
    """relscore.evaluate.link_features(plan, at_newest=True): each batch's features from a fresh
    model fed every edge known before the batch, at the newest known edge's time; the
    time-of-day features and the lag at the query's own time."""
    data = synthetic_split()
    full = data.full
    plan = ev.make_plan(data, "transductive", "random", "val")
    assert ev.link_at_newest(plan) and not ev.link_at_newest(ev.make_plan(data, "inductive", "random", "val"))
    assert not ev.link_at_newest(ev.make_plan(data, "transductive", "random", "val", knowledge="event"))
    positive, negative = ev.link_features(plan, True)
    at_query = ev.link_features(plan, False)
    assert np.array_equal(positive, ev.link_features(plan)[0])  # the default for this plan
    query_time = [ev.LINK_FEATURES.index(name) for name in ev.LINK_QUERY_TIME_FEATURES]
    for b in range(0, plan.batch_count, 3):
        known = plan.learn_index[:plan.learn_offset[b + 1]]
        model = _eval.make_relscore_link(np.zeros(len(ev.LINK_FEATURES)))
        model.observe(full.src[known], full.dst[known], full.ts[known])
        part = slice(plan.batch_offset[b], plan.batch_offset[b + 1])
        edges = plan.batch_index[part]
        at = np.full(len(edges), full.ts[known].max())
        for got, query, src, dst in ((positive, at_query[0], full.src[edges], full.dst[edges]),
                                     (negative, at_query[1], plan.neg_src[part], plan.neg_dst[part])):
            want = model.features(src, dst, at)
            want[:, query_time] = query[part][:, query_time]
            assert np.array_equal(got[part], want), b
    assert not np.array_equal(positive, at_query[0])  # the batch's later queries see other values


def test_unpooled_booster_is_the_fit_with_unit_weights():
    """fit_link_booster() passes no sample_weight when every row weighs 1 (a faster binning):
    the trees are those of the fit with unit weights."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    data = synthetic_split()
    plan = ev.make_plan(data, "transductive", "random", "val")
    x = np.vstack(ev.link_features(plan))
    y = np.r_[np.ones(len(x) // 2), np.zeros(len(x) // 2)]
    columns = ev.link_booster_columns("random")
    params = {**ev.LINK_BOOSTER_PARAMS, "monotonic_cst": [ev.LINK_BOOSTER_PARAMS["monotonic_cst"][j] for j in columns]}
    weighted = HistGradientBoostingClassifier(**params).fit(x[:, columns], y, sample_weight=np.ones(len(y)))
    assert np.array_equal(ev.fit_link_booster(plan).decision_function(x), weighted.decision_function(x[:, columns]))
