"""relscore.evaluate: the DyGLib protocol (exactness on UCI when ../shared/data is present),
negative samplers, metrics against hand-computed values, JSON models and fitting."""

import os

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

import relscore.evaluate as ev
from relscore import _eval

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("RELSCORE_DATA", os.path.join(ROOT, "..", "shared", "data"))
COLLEGE_MSG = os.path.join(DATA, "snap-collegemsg", "CollegeMsg.txt.gz")
needs_uci = pytest.mark.skipif(not os.path.exists(COLLEGE_MSG), reason=f"real data not found at {COLLEGE_MSG}")


def synthetic(n=3000, nodes=60, seed=7):
    """A chronological log where people mostly write to a few favourite contacts."""
    rng = np.random.default_rng(seed)
    favourites = {u: rng.choice(nodes, size=4, replace=False) for u in range(nodes)}
    src = rng.integers(0, nodes, n)
    dst = np.array([rng.choice(favourites[u]) if rng.random() < 0.8 else rng.integers(0, nodes) for u in src])
    dst = np.where(dst == src, (dst + 1) % nodes, dst)
    ts = np.cumsum(rng.integers(0, 600, n)).astype(float)
    return ev.TemporalEdges(src.astype(np.int64), dst.astype(np.int64), ts - ts[0], "synthetic")


class PythonEdgeBank:
    """The unlimited EdgeBank, written plainly, to check the compiled one and the loop."""

    def __init__(self):
        self.memory = set()

    def observe(self, src, dst, ts):
        self.memory.update(zip(src.tolist(), dst.tolist()))

    def score(self, src, dst, ts):
        return np.array([1.0 if p in self.memory else 0.0 for p in zip(src.tolist(), dst.tolist())])


@needs_uci
def test_edgebank_unlimited_on_uci_reproduces_the_published_numbers():
    data = ev.split(ev.load_event_log(COLLEGE_MSG, name="UCI"))
    result = ev.evaluate_link_prediction(_eval.make_edgebank("unlimited"), data, "transductive", "random")
    assert (round(result.ap, 2), round(result.auc, 2)) == (76.20, 77.30)
    assert len(result.batch_ap) == 45


@needs_uci
def test_uci_split_matches_dyglib():
    data = ev.split(ev.load_event_log(COLLEGE_MSG))
    assert (data.train_mask.sum(), data.val_mask.sum(), data.test_mask.sum()) == (34352, 8975, 8976)
    assert len(data.new_test_nodes) == 189  # int(0.1 * 1899)


def test_split_proportions_and_new_nodes():
    edges = synthetic()
    data = ev.split(edges)
    assert data.val_time <= data.test_time
    assert not (set(edges.src[data.train_mask]) | set(edges.dst[data.train_mask])) & data.new_test_nodes
    assert abs(data.test_mask.mean() - 0.15) < 0.02
    inductive = data.indices(data.new_node_test_mask)
    assert all(s in data.new_nodes or d in data.new_nodes for s, d in zip(edges.src[inductive], edges.dst[inductive]))


def test_compiled_and_python_edgebank_agree_on_every_batch():
    data = ev.split(synthetic())
    for strategy in ev.STRATEGIES:
        plan = ev.make_plan(data, "transductive", strategy)
        compiled = ev.run_plan(plan, _eval.make_edgebank("unlimited"))
        plain = ev.run_plan(plan, PythonEdgeBank())
        assert compiled.batch_ap == plain.batch_ap and compiled.batch_auc == plain.batch_auc


def test_random_negatives_keep_sources_and_use_seeded_draws():
    edges = synthetic()
    data = ev.split(edges)
    plan = ev.make_plan(data, "transductive", "random")
    assert np.array_equal(plan.neg_src, edges.src[plan.batch_index])
    rng = np.random.RandomState(2)
    unique_dst = np.unique(edges.dst)
    first = plan.batch_offset[1]
    rng.randint(0, len(np.unique(edges.src)), first)
    assert np.array_equal(plan.neg_dst[:first], unique_dst[rng.randint(0, len(unique_dst), first)])


def test_historical_negatives_come_from_the_past_and_avoid_the_batch():
    edges = synthetic()
    data = ev.split(edges)
    plan = ev.make_plan(data, "transductive", "historical")
    for b in range(plan.batch_count):
        part = slice(plan.batch_offset[b], plan.batch_offset[b + 1])
        batch = plan.batch_index[part]
        start, end = edges.ts[batch[0]], edges.ts[batch[-1]]
        past = set(zip(edges.src[edges.ts <= start].tolist(), edges.dst[edges.ts <= start].tolist()))
        now = set(zip(edges.src[(edges.ts >= start) & (edges.ts <= end)].tolist(),
                      edges.dst[(edges.ts >= start) & (edges.ts <= end)].tolist()))
        negatives = list(zip(plan.neg_src[part].tolist(), plan.neg_dst[part].tolist()))
        assert len(set(negatives)) == len(negatives)  # drawn without replacement
        assert all(n in past and n not in now for n in negatives)


def test_inductive_negatives_were_never_seen_before_the_test():
    edges = synthetic()
    data = ev.split(edges)
    plan = ev.make_plan(data, "transductive", "inductive")
    last_val = edges.ts[data.indices(data.val_mask)[-1]]
    seen = set(zip(edges.src[edges.ts <= last_val].tolist(), edges.dst[edges.ts <= last_val].tolist()))
    for b in range(plan.batch_count):
        part = slice(plan.batch_offset[b], plan.batch_offset[b + 1])
        batch = plan.batch_index[part]
        start, end = edges.ts[batch[0]], edges.ts[batch[-1]]
        now = set(zip(edges.src[(edges.ts >= start) & (edges.ts <= end)].tolist(),
                      edges.dst[(edges.ts >= start) & (edges.ts <= end)].tolist()))
        past = set(zip(edges.src[edges.ts <= start].tolist(), edges.dst[edges.ts <= start].tolist()))
        pool = past - seen - now
        negatives = set(zip(plan.neg_src[part].tolist(), plan.neg_dst[part].tolist()))
        if len(pool) >= len(batch):
            assert negatives <= pool
        else:  # the whole pool, topped up with random pairs that are not in the batch
            assert pool <= negatives
            positives = set(zip(edges.src[batch].tolist(), edges.dst[batch].tolist()))
            assert not (negatives - pool) & positives


def test_models_never_learn_a_batch_before_scoring_it():
    edges = synthetic()
    data = ev.split(edges)
    plan = ev.make_plan(data, "inductive", "random")
    learnt = set(plan.learn_index[:plan.learn_offset[1]].tolist())
    for b in range(plan.batch_count):
        learnt |= set(plan.learn_index[plan.learn_offset[b]:plan.learn_offset[b + 1]].tolist())
        batch = plan.batch_index[plan.batch_offset[b]:plan.batch_offset[b + 1]]
        assert not learnt & set(batch.tolist())
        assert max(learnt) < batch[0]


def test_metrics_match_hand_computed_values():
    # Ranking: p(0.9) n(0.8) p(0.7) n(0.1): precision at the positives 1 and 2/3.
    ap, auc = ev.batch_metrics(np.array([0.9, 0.7]), np.array([0.8, 0.1]))
    assert ap == pytest.approx((1 + 2 / 3) / 2)
    assert auc == pytest.approx(3 / 4)
    # Ties are grouped: everything at one threshold gives precision 1/2 and AUC 1/2.
    assert ev.batch_metrics(np.ones(3), np.ones(3)) == (pytest.approx(0.5), pytest.approx(0.5))
    # EdgeBank-like 0/1 scores: 2 of 3 positives and 1 of 3 negatives remembered.
    ap, auc = ev.batch_metrics(np.array([1.0, 1.0, 0.0]), np.array([1.0, 0.0, 0.0]))
    assert ap == pytest.approx(2 / 3 * 2 / 3 + 1 / 3 * 1 / 2)
    assert auc == pytest.approx((2 * 2 + 0.5 * 2 + 0.5 * 1 * 2) / 9)


def test_fast_average_precision_equals_scikit_learn():
    rng = np.random.default_rng(3)
    for _ in range(50):
        pos = rng.integers(0, 5, 20).astype(float)
        neg = rng.integers(0, 5, 20).astype(float)
        labels = np.r_[np.ones(20), np.zeros(20)]
        expected = average_precision_score(labels, np.r_[pos, neg].astype(np.float32))
        assert ev.average_precision(pos, neg) == pytest.approx(expected, abs=1e-12)


def test_fitted_model_round_trips_through_json(tmp_path):
    data = ev.split(synthetic())
    model = ev.fit("decay", data, max_evaluations=15)
    assert model.fitted_on["stage"] == "val" and model.params["half_life"] > 0
    path = tmp_path / "model.json"
    model.save(str(path))
    loaded = ev.FittedModel.load(str(path))
    assert loaded.params == model.params
    plan = ev.make_plan(data, "transductive", "random")
    assert ev.run_plan(plan, loaded.make()).batch_ap == ev.run_plan(plan, model.make()).batch_ap


def test_bad_models_and_inputs_are_reported():
    with pytest.raises(ValueError, match="unknown score 'magic'"):
        ev.FittedModel.from_json('{"score": "magic"}')
    with pytest.raises(ValueError, match="no parameter"):
        ev.FittedModel.from_json('{"score": "decay", "params": {"speed": 1}}')
    with pytest.raises(ValueError, match="line 1, column"):
        ev.FittedModel.from_json("{score")
    with pytest.raises(ValueError, match="half_life must be positive"):
        ev.FittedModel("decay", {"half_life": -1.0}).make()
    with pytest.raises(ValueError, match="time order"):
        ev.TemporalEdges(np.array([1, 2]), np.array([2, 1]), np.array([5.0, 1.0]))
    model = _eval.make_decay(10.0)
    model.observe(np.array([1]), np.array([2]), np.array([100.0]))
    with pytest.raises(ValueError, match="older than"):
        model.score(np.array([1]), np.array([2]), np.array([50.0]))


def test_relscore_score_beats_edgebank_on_synthetic_favourites():
    data = ev.split(synthetic())
    plan = ev.make_plan(data, "transductive", "random")
    relscore_ap = ev.run_plan(plan, ev.default_model("relscore").make()).ap
    edgebank_ap = ev.run_plan(plan, _eval.make_edgebank("unlimited")).ap
    assert relscore_ap > edgebank_ap


def test_label_metrics_ignore_unlabelled_pairs():
    import pandas as pd

    strengths = pd.DataFrame({"a": ["x", "x", "y", "z"], "b": ["y", "z", "z", "w"], "strength": [5.0, 1.0, 3.0, 9.0]})
    # (z, w) is unlabelled: its large strength must not matter. (x, q) never met: strength 0.
    labels = pd.DataFrame({"a": ["y", "z", "x", "x"], "b": ["x", "y", "z", "q"], "strong": [True, True, False, False]})
    m = ev.label_metrics(strengths, labels)
    assert m == {"auc": 1.0, "ap": 1.0, "strong": 2, "weak": 2}
    labels.loc[0, "strong"] = False  # now strong = {(z, y): 3}, weak = {5, 1, 0}: one weak above it
    m = ev.label_metrics(strengths, labels)
    assert m["auc"] == pytest.approx(2 / 3) and m["ap"] == pytest.approx(1 / 2)


def test_label_metrics_refuse_labels_whose_ids_match_no_scored_pair():
    # Issue 17: a scorer names people by strings; labels read from a file as integers named
    # nobody it knows, and every labelled pair scored 0 (AUC 0.5) without a word.
    import pandas as pd

    import relscore

    s = relscore.Scorer()
    s.add_arrays(np.array([0.0, 60.0, 120.0]), np.array([1, 1, 2]).astype(str), np.array([2, 3, 3]).astype(str))
    strengths = s.to_pandas()
    labels = pd.DataFrame({"a": [1, 1], "b": [3, 2], "strong": [True, False]})  # (1, 3) is the newer tie
    with pytest.raises(ValueError, match=r"no labelled pair.* like 1 \(int\).* like '\d' \(str\)"):
        ev.label_metrics(strengths, labels)
    m = ev.label_metrics(strengths, labels.astype({"a": str, "b": str}))  # the fix the message names
    assert m["strong"] == 1 and m["weak"] == 1 and m["auc"] == 1.0


def test_group_labels_mark_same_group_pairs_strong():
    import pandas as pd

    strengths = pd.DataFrame({"a": [1, 1, 2], "b": [2, 3, 4], "strength": [1.0, 2.0, 3.0]})
    labels = ev.group_labels(strengths, {1: "A", 2: "A", 3: "B"})  # 4 has no group: unlabelled
    assert labels.values.tolist() == [[1, 2, True], [1, 3, False]]


def test_ranking_metrics_match_hand_computed_values():
    import pandas as pd

    strengths = pd.DataFrame({"a": ["p", "p", "p", "q"], "b": ["a", "b", "c", "a"], "strength": [3.0, 2.0, 1.0, 5.0]})
    # p ranks a, b, c and then contacts b and z (z is new: never ranked); q ranks a and contacts a.
    m = ev.ranking_metrics(strengths, {"p": {"b", "z"}, "q": {"a"}, "r": set()}, k=2)
    assert m["people"] == 2
    assert m["precision@2"] == pytest.approx((1 / 2 + 1 / 2) / 2)
    ndcg_p = (1 / np.log2(3)) / (1 + 1 / np.log2(3))
    assert m["ndcg@2"] == pytest.approx((ndcg_p + 1.0) / 2)
    assert m["mrr"] == pytest.approx((1 / 2 + 1) / 2)


@pytest.mark.parametrize("setting", ev.SETTINGS)
@pytest.mark.parametrize("strategy", ["historical", "inductive"])
def test_fast_top_up_draws_exactly_dyglibs_pairs(setting, strategy):
    # Few nodes, so that the pools run dry and batches are topped up with random pairs.
    data = ev.split(synthetic(n=4000, nodes=40, seed=11))
    fast = ev.make_plan(data, setting, strategy)
    literal = ev.make_plan(data, setting, strategy, literal_sampler=True)
    assert np.array_equal(fast.neg_src, literal.neg_src) and np.array_equal(fast.neg_dst, literal.neg_dst)


def test_top_up_happens_on_the_synthetic_log():
    # The test above only means something if some batches are topped up.
    data = ev.split(synthetic(n=4000, nodes=40, seed=11))
    sampler = ev.NegativeSampler(data.full, "inductive", 2, float(data.full.ts[data.indices(data.val_mask)[-1]]))
    calls = []
    original = sampler._random_with_collision_check
    sampler._random_with_collision_check = lambda *a: calls.append(1) or original(*a)
    for known, batch in ev.batches(data):
        if len(batch):
            ts = data.full.ts[batch]
            sampler.sample(len(batch), data.full.src[batch], data.full.dst[batch], float(ts[0]), float(ts[-1]))
    assert calls


@needs_uci
def test_fast_top_up_matches_dyglibs_expression_on_uci():
    data = ev.split(ev.load_event_log(COLLEGE_MSG))
    fast = ev.make_plan(data, "transductive", "inductive")
    literal = ev.make_plan(data, "transductive", "inductive", literal_sampler=True)
    assert np.array_equal(fast.neg_src, literal.neg_src) and np.array_equal(fast.neg_dst, literal.neg_dst)


def test_the_default_weights_name_features_of_the_compiled_score():
    assert ev.LINK_FEATURES == tuple(_eval.link_feature_names())
    assert len(ev.LINK_FEATURES) == len(set(ev.LINK_FEATURES))
    assert set(ev.LINK_DEFAULT_WEIGHTS) <= set(ev.LINK_FEATURES)


@pytest.mark.parametrize("setting", ev.SETTINGS)
def test_event_knowledge_learns_exactly_the_older_edges(setting):
    edges = synthetic()
    data = ev.split(edges)
    batch_plan = ev.make_plan(data, setting, "historical")
    plan = ev.make_plan(data, setting, "historical", knowledge="event")
    # Same queries, same negatives, same metric batches; only what is known differs.
    for name in ("batch_index", "batch_offset", "neg_src", "neg_dst"):
        assert np.array_equal(getattr(plan, name), getattr(batch_plan, name))
    history = set(plan.learn_index[:plan.learn_offset[1]].tolist()) - set(np.flatnonzero(data.test_mask).tolist())
    learnt = set()
    for g in range(plan.group_count):
        learnt |= set(plan.learn_index[plan.learn_offset[g]:plan.learn_offset[g + 1]].tolist())
        queries = plan.batch_index[plan.stream_offset[g]:plan.stream_offset[g + 1]]
        t = edges.ts[queries]
        assert np.all(t == t[0])
        older = set(np.flatnonzero(data.test_mask & (edges.ts < t[0])).tolist()) | history
        assert learnt == older
    compiled = ev.run_plan(plan, _eval.make_edgebank("unlimited"))
    assert compiled.batch_ap == ev.run_plan(plan, PythonEdgeBank()).batch_ap
    assert len(compiled.batch_ap) == batch_plan.batch_count


def test_label_section_on_a_small_contact_log(tmp_path):
    # Two classes of five; pupils meet their own class far more often than the other one.
    from relscore.evaluate import label_results as lr

    rng = np.random.default_rng(5)
    folder = tmp_path / "sociopatterns-highschool-2012"
    folder.mkdir()
    rows = []
    for k in range(3000):
        a = int(rng.integers(0, 10))
        same = rng.random() < 0.8
        b = int(rng.choice([x for x in range(10) if x != a and ((x < 5) == (a < 5)) == same]))
        rows.append(f"{20 * k}\t{a}\t{b}")
    (folder / "tij_thiers12.dat").write_text("\n".join(rows) + "\n")
    (folder / "metadata_thiers12.dat").write_text("".join(f"{p}\t{'A' if p < 5 else 'B'}\tF\n" for p in range(10)))
    text = lr.label_section(str(tmp_path), "relscore evaluate --results x.md")
    assert "SocioPatterns high school 2011" in text and "skipped" in text  # absent data sets are skipped
    table = [line for line in text.splitlines() if line.startswith("| relscore strength (default")]
    auc = float(table[0].split("|")[2])
    assert auc > 90  # a same-class pair meets about 5 times as often as a cross-class one
    assert "20 same-class and 25 cross-class pairs met" in text


@pytest.mark.parametrize("knowledge", ev.KNOWLEDGE)
def test_link_score_is_its_features_times_its_weights_over_a_whole_plan(knowledge):
    data = ev.split(synthetic())
    plan = ev.make_plan(data, "transductive", "historical", knowledge=knowledge)
    positive, negative = ev.link_features(plan, at_newest=False)  # the compiled score: at the query time
    assert positive.shape == (len(plan.batch_index), len(ev.LINK_FEATURES))
    weights = np.linspace(-1, 1, len(ev.LINK_FEATURES))
    model = ev.FittedModel("relscore", dict(zip(ev.LINK_FEATURES, weights.tolist()))).make()
    full = data.full
    pos_scores, neg_scores = _eval.run_stream(model, full.src, full.dst, full.ts, plan.learn_index, plan.learn_offset,
                                              plan.batch_index, plan.stream_offset, plan.neg_src, plan.neg_dst)
    assert np.allclose(pos_scores, positive @ weights) and np.allclose(neg_scores, negative @ weights)


def test_relscore_fit_is_logistic_regression_on_validation_only(tmp_path):
    from sklearn.linear_model import LogisticRegression

    data = ev.split(synthetic())
    plan = ev.make_plan(data, "transductive", "random", "val")
    model = ev.fit("relscore", data, plan=plan)
    assert model.fitted_on["stage"] == "val" and model.fitted_on["converged"]
    # The same fit by scikit-learn (C = 1 / l2), on the same standardized features.
    positive, negative = ev.link_features(plan, at_newest=False)  # as the weighted sum is fitted
    x = np.vstack([positive, negative])
    usable = x.std(axis=0) > 1e-12
    z = (x[:, usable] - x[:, usable].mean(axis=0)) / x[:, usable].std(axis=0)
    y = np.r_[np.ones(len(positive)), np.zeros(len(negative))]
    reference = LogisticRegression(C=1.0, tol=1e-10, max_iter=10000).fit(z, y).coef_[0] / x[:, usable].std(axis=0)
    ours = np.array([model.params[name] for name in ev.LINK_FEATURES])[usable]
    assert np.allclose(ours, reference, rtol=1e-3, atol=1e-4)
    path = tmp_path / "relscore.json"
    model.save(str(path))
    test_plan = ev.make_plan(data, "transductive", "random")
    assert ev.run_plan(test_plan, ev.FittedModel.load(str(path)).make()).ap == ev.run_plan(test_plan, model.make()).ap


def test_link_booster_is_fitted_on_validation_only():
    edges = synthetic()
    data = ev.split(edges)
    with pytest.raises(ValueError, match="validation"):
        ev.fit_link_booster(ev.make_plan(data, "transductive", "historical", "test"))
    # Shuffle the test stage's destinations (same node sets, so the same split and the same
    # validation negatives): a fit that read any test edge would change.
    rng = np.random.default_rng(5)
    test = data.indices(data.test_mask)
    dst = edges.dst.copy()
    dst[test] = rng.permutation(dst[test])
    shuffled = ev.split(ev.TemporalEdges(edges.src, dst, edges.ts, "shuffled"))
    assert np.array_equal(shuffled.train_mask, data.train_mask)
    x = np.vstack(ev.link_features(ev.make_plan(data, "transductive", "historical", "test")))
    fitted = [ev.fit_link_booster(ev.make_plan(d, "transductive", "historical", "val")).decision_function(x)
              for d in (data, shuffled)]
    assert np.array_equal(fitted[0], fitted[1])
    assert np.std(fitted[0]) > 0  # it did learn something


def test_pooled_link_booster_learns_from_every_validation_plan_and_no_test_plan():
    from sklearn.ensemble import HistGradientBoostingClassifier

    data = ev.split(synthetic())
    plan = ev.make_plan(data, "inductive", "random", "val")
    pooled = ev.make_plan(data, "transductive", "random", "val")
    with pytest.raises(ValueError, match="validation"):
        ev.fit_link_booster(plan, [ev.make_plan(data, "transductive", "random", "test")])
    # The same trees as one classifier fitted on both plans' rows, stacked.
    parts = [ev.link_features(p, ev.link_at_newest(plan)) for p in (plan, pooled)]  # the cell's rule
    x = np.vstack([m for positive, negative in parts for m in (positive, negative)])
    y = np.concatenate([np.r_[np.ones(len(pos)), np.zeros(len(neg))] for pos, neg in parts])
    own = 2 * len(parts[0][0])  # the plan's own rows weigh LINK_BOOSTER_OWN_WEIGHT
    weight = np.r_[np.full(own, ev.LINK_BOOSTER_OWN_WEIGHT), np.ones(len(y) - own)]
    assert ev.LINK_BOOSTER_OWN_WEIGHT != 1
    reference = HistGradientBoostingClassifier(**ev.LINK_BOOSTER_PARAMS).fit(x, y, sample_weight=weight)
    assert np.array_equal(ev.fit_link_booster(plan, [pooled]).decision_function(x), reference.decision_function(x))
    assert not np.array_equal(ev.fit_link_booster(plan).decision_function(x), reference.decision_function(x))


def test_pooled_plans_of_a_cell():
    """link_booster_pooled_plans: the inductive random cells pool the transductive validation plan
    of their knowledge row, then their own validation plan under the other knowledge row (the
    same positives and negatives); every other cell pools nothing; no plan is a test plan."""
    data = ev.split(synthetic())
    assert ev.LINK_BOOSTER_POOLED_KNOWLEDGE == (("inductive", "random"),)
    for knowledge, other in (("batch", "event"), ("event", "batch")):
        own = ev.make_plan(data, "inductive", "random", "val", knowledge=knowledge)
        plans = ev.link_booster_pooled_plans(data, "inductive", "random", knowledge)
        assert [(p.setting, p.strategy, p.knowledge, p.stage) for p in plans] == [
            ("transductive", "random", knowledge, "val"), ("inductive", "random", other, "val")]
        assert np.array_equal(plans[1].batch_index, own.batch_index)
        assert np.array_equal(plans[1].neg_src, own.neg_src) and np.array_equal(plans[1].neg_dst, own.neg_dst)
        for setting, strategy in (("transductive", "random"), ("inductive", "historical"),
                                  ("inductive", "inductive"), ("transductive", "historical")):
            assert ev.link_booster_pooled_plans(data, setting, strategy, knowledge) == []
    booster = ev.fit_link_booster(ev.make_plan(data, "inductive", "random", "val", knowledge="event"),
                                  ev.link_booster_pooled_plans(data, "inductive", "random", "event"))
    assert np.std(booster.decision_function(np.vstack(ev.link_features(
        ev.make_plan(data, "inductive", "random", "test", knowledge="event"))))) > 0


def test_link_booster_scores_the_plan_as_run_plan_does():
    class Linear:  # a "booster" that is relscore's weighted sum
        at_newest = False  # the compiled score's features are at the query's time

        def __init__(self, weights):
            self.w = np.array([weights[name] for name in ev.LINK_FEATURES])

        def decision_function(self, x):
            return x @ self.w

    data = ev.split(synthetic())
    for knowledge in ev.KNOWLEDGE:
        plan = ev.make_plan(data, "transductive", "historical", knowledge=knowledge)
        model = ev.fit("relscore", data, "transductive", "historical", knowledge=knowledge)
        compiled = ev.run_plan(plan, model.make())
        booster = ev.run_link_booster(plan, Linear(model.params))
        # The same sums in another order: equal up to rounding, which float32 metrics hide.
        assert booster.batch_ap == pytest.approx(compiled.batch_ap, abs=1e-9)
        assert booster.auc == pytest.approx(compiled.auc, abs=1e-9)


def test_the_hgb_combiner_gives_a_row_per_cell():
    from relscore.evaluate import evaluate_scores

    rows = evaluate_scores(synthetic(), ["relscore"], ["transductive"], ["random", "historical"], True, 50,
                           echo=False, combiner="hgb")
    assert [(r.score, r.strategy) for r in rows] == [("relscore (hgb)", "random"), ("relscore (hgb)", "historical")]
    assert all(50 < r.ap <= 100 and 0 <= r.auc <= 100 and r.validation_ap is not None for r in rows)
    with pytest.raises(ValueError, match="--fit"):
        evaluate_scores(synthetic(), ["relscore"], ["transductive"], ["random"], False, 50, echo=False,
                        combiner="hgb")


def test_link_booster_grows_with_the_tie_features():
    assert set(ev.LINK_BOOSTER_INCREASING) <= set(ev.LINK_FEATURES)  # a renamed feature must be renamed here
    data = ev.split(synthetic())
    booster = ev.fit_link_booster(ev.make_plan(data, "transductive", "historical", "val"))
    x = np.vstack(ev.link_features(ev.make_plan(data, "transductive", "historical", "test")))
    base = booster.decision_function(x)
    for name in ev.LINK_BOOSTER_INCREASING:
        column = ev.LINK_FEATURES.index(name)
        raised = x.copy()
        raised[:, column] += np.abs(x[:, column]).max() + 1.0
        assert np.all(booster.decision_function(raised) >= base - 1e-12), name


@pytest.mark.parametrize("knowledge", ev.KNOWLEDGE)
def test_learned_score_of_the_results_is_fitted_on_validation_only(knowledge):
    # What docs/results.md reports (evaluate_scores(..., combiner="hgb")): scramble the test
    # stage (its destinations, so its positives and the negatives drawn beside them change)
    # and the fitted trees, hence their validation AP, must not change at all.
    edges = synthetic(n=2500)
    rng = np.random.default_rng(11)
    data = ev.split(edges)
    test = data.indices(data.test_mask)
    dst = edges.dst.copy()
    dst[test] = rng.permutation(dst[test])
    shuffled = ev.TemporalEdges(edges.src, dst, edges.ts, "shuffled")
    assert np.array_equal(ev.split(shuffled).train_mask, data.train_mask)
    rows = [ev.evaluate_scores(e, ["relscore"], ["transductive"], ["random", "historical"], True, 10, echo=False,
                               knowledge=knowledge, combiner="hgb") for e in (edges, shuffled)]
    assert [r.validation_ap for r in rows[0]] == [r.validation_ap for r in rows[1]]
    assert [r.ap for r in rows[0]] != [r.ap for r in rows[1]]  # the test stage did change
