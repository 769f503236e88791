"""relscore.dask on a real distributed.LocalCluster (2 worker processes): scoring in
partitions and merging by a tree equals one single-machine ingest, whatever the
partitioning and the order; errors inside a partition come back clearly.

Equality is checked to 1e-12 relative on every float (strength, both volumes,
reciprocity) and exactly on counts and times: merging adds the same decayed terms in
another order, and floating-point sums in another order may differ in the last bits.
"""

import os
import pickle
import subprocess
import sys

import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster, futures_of, get_task_stream, wait

import relscore
import relscore._dask_shuffle
import relscore.dask
from relscore.datasets import synthetic_log

# dask's read_parquet still passes inplace= to pandas' set_index/reset_index, which
# pandas 3.1 deprecates (and dask re-raises the warning wrapped); theirs, not ours.
pytestmark = pytest.mark.filterwarnings(r"ignore:(?s).*The inplace keyword in DataFrame\.\w+ is deprecated")

FLOATS = ["strength", "volume_ab", "volume_ba", "reciprocity"]


@pytest.fixture(scope="module")
def client():
    # No dashboard, and the scheduler's HTTP server on a free port: the default 8787 may be held
    # by another job on a shared machine (distributed then warns, which these tests make an error).
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="1.5GiB",
                      dashboard_address=":0", scheduler_kwargs={"dashboard": False}) as cluster, Client(cluster) as c:
        yield c


def canonical(table: pd.DataFrame) -> pd.DataFrame:
    """Rows keyed by the pair in name order (merge may store a pair either way round)."""
    t = table.copy()
    t["a"], t["b"] = t["a"].astype(str), t["b"].astype(str)
    swap = (t["a"] > t["b"]).to_numpy()
    t.loc[swap, ["a", "b"]] = t.loc[swap, ["b", "a"]].to_numpy()
    t.loc[swap, ["volume_ab", "volume_ba"]] = t.loc[swap, ["volume_ba", "volume_ab"]].to_numpy()
    return t.sort_values(["a", "b"]).reset_index(drop=True)


def assert_same_relationships(got: pd.DataFrame, want: pd.DataFrame) -> None:
    got, want = canonical(got), canonical(want)
    assert len(got) == len(want)
    assert (got["a"].to_numpy() == want["a"].to_numpy()).all()
    assert (got["b"].to_numpy() == want["b"].to_numpy()).all()
    assert (got["interactions"].to_numpy() == want["interactions"].to_numpy()).all()
    assert (got["last_interaction"].to_numpy() == want["last_interaction"].to_numpy()).all()
    for column in FLOATS:
        np.testing.assert_allclose(got[column].to_numpy(), want[column].to_numpy(), rtol=1e-12, atol=0,
                                   err_msg=column)


def single_machine(frame: pd.DataFrame, template=None) -> relscore.Scorer:
    s = (template if template is not None else relscore.Scorer()).empty_like()
    s.add_dataframe(frame.sort_values("time", kind="stable"), missing_weight="default")
    return s


def shuffled_partitions(specs, people, seed=7):
    """A dask DataFrame whose partitions (generated on the workers) come in the order of
    `specs`, each with its rows shuffled."""

    def make(spec):
        size, part, window = spec
        frame = synthetic_log(size, people=people, seed=seed, part=part, window=window)
        return frame.sample(frac=1.0, random_state=part)

    return dd.from_map(make, specs, meta=synthetic_log(0, people=people), enforce_metadata=False)


def test_two_million_interactions_in_shuffled_overlapping_partitions(client):
    n, parts, people = 2_000_000, 48, 20_000
    sizes = np.random.default_rng(1).multinomial(n, np.full(parts, 1 / parts))  # uneven sizes
    specs = [(int(size), k, None) for k, size in enumerate(sizes)]
    order = np.random.default_rng(2).permutation(parts)
    frame = shuffled_partitions([specs[k] for k in order], people)
    assert frame.npartitions == parts

    with get_task_stream(client) as stream:
        merged = relscore.dask.score(frame, split_every=4, missing_weight="default")
    workers = {task["worker"] for task in stream.data}
    assert len(workers) == 2, "both worker processes should have scored partitions"

    whole = pd.concat([synthetic_log(s, people=people, seed=7, part=k) for s, k, _ in specs], ignore_index=True)
    reference = single_machine(whole)
    assert merged.newest == reference.newest
    assert set(merged.people) == set(whole["source"]) | set(whole["target"])
    assert_same_relationships(merged.to_pandas(), reference.to_pandas())
    assert merged.to_pandas()["interactions"].sum() == n

    # The case merge exists for: most relationships were seen by several partitions.
    src, tgt = whole["source"].cat.codes.to_numpy(np.int64), whole["target"].cat.codes.to_numpy(np.int64)
    pair = np.minimum(src, tgt) * people + np.maximum(src, tgt)
    partition_of = np.repeat(np.arange(parts), sizes)
    partitions_per_pair = pd.DataFrame({"pair": pair, "part": partition_of}).groupby("pair")["part"].nunique()
    assert (partitions_per_pair > 1).mean() > 0.3


def test_time_partitioned_log_in_reverse_order_with_a_deep_tree(client):
    parts, people = 16, 2_000
    specs = [(5_000, k, (k / parts, (k + 1) / parts)) for k in range(parts)]
    frame = shuffled_partitions(specs[::-1], people, seed=11)
    # Partitions that split the log by time: scored as they are, merged by a tree, exact.
    merged = relscore.dask.score(frame, split_every=2, missing_weight="default", partition="as_given")
    whole = pd.concat([synthetic_log(s, people=people, seed=11, part=k, window=w) for s, k, w in specs])
    reference = single_machine(whole)
    assert_same_relationships(merged.to_pandas(), reference.to_pandas())
    assert_same_insight(merged.insight_frame(sort=False), reference.insight_frame(sort=False))


def test_one_pair_split_across_partitions_and_channels(client):
    rows = [
        ("2026-01-05", "ana", "ben", "email", False),
        ("2026-03-01", "ben", "ana", "call", False),
        ("2026-02-01", "ana", "ben", "meeting", True),
        ("2026-01-20", "cy", "ana", "message", False),
        ("2026-04-01", "ana", "ben", "email", False),
    ]
    frame = pd.DataFrame(rows, columns=["time", "source", "target", "channel", "mutual"])
    frame["time"] = pd.to_datetime(frame["time"])
    pieces = [frame.iloc[[3, 1]], frame.iloc[[4]], frame.iloc[[0, 2]]]  # ben→ana before ana→ben
    lazy = dd.from_delayed([dask.delayed(p) for p in pieces], meta=frame.iloc[:0], verify_meta=False)
    merged = relscore.dask.score(lazy)
    reference = relscore.Scorer()
    reference.add_dataframe(frame)
    for a, b in (("ana", "ben"), ("ana", "cy")):
        got, want = merged.between(a, b), reference.between(a, b)
        assert got.interactions == want.interactions and got.last_interaction == want.last_interaction
        assert got.strength == pytest.approx(want.strength, rel=1e-12)
        assert got.volume_ab == pytest.approx(want.volume_ab, rel=1e-12)
        assert got.volume_ba == pytest.approx(want.volume_ba, rel=1e-12)


def test_configuration_comes_from_the_template(client):
    template = relscore.Scorer(reciprocity=0.9, half_life="7d", channels={"email": (1.5, "3d")})
    specs = [(5_000, k, None) for k in range(6)]
    frame = shuffled_partitions(specs, people=300)
    merged = relscore.dask.score(frame, template=template, missing_weight="default")
    plain = relscore.dask.score(frame, missing_weight="default")  # same data, other config: other tasks
    assert merged.reciprocity == 0.9 and merged.channels == template.channels
    assert plain.reciprocity == 0.5 and plain.channels == relscore.Scorer().channels
    whole = pd.concat([synthetic_log(s, people=300, seed=7, part=k) for s, k, _ in specs])
    assert_same_relationships(merged.to_pandas(), single_machine(whole, template).to_pandas())
    assert_same_relationships(plain.to_pandas(), single_machine(whole).to_pandas())


def test_parquet_and_csv_inputs(client, tmp_path):
    whole = synthetic_log(30_000, people=500, seed=3)
    whole["source"], whole["target"] = whole["source"].astype(str), whole["target"].astype(str)
    whole["channel"] = whole["channel"].astype(str)
    reference = single_machine(whole).to_pandas()

    dd.from_pandas(whole, npartitions=7).to_parquet(tmp_path / "events.parquet")
    from_parquet = dd.read_parquet(tmp_path / "events.parquet")
    assert_same_relationships(relscore.dask.score(from_parquet, missing_weight="default").to_pandas(), reference)

    dd.from_pandas(whole, npartitions=5).to_csv(tmp_path / "events-*.csv", index=False)
    from_csv = dd.read_csv(tmp_path / "events-*.csv", parse_dates=["time"], blocksize=100_000)
    assert from_csv.npartitions > 5  # CSV blocks split files: more partitions, same answer
    assert_same_relationships(relscore.dask.score(from_csv, missing_weight="default").to_pandas(), reference)


def test_integer_ids_name_people_the_same_in_every_partition(client):
    rng = np.random.default_rng(5)
    n = 20_000
    frame = pd.DataFrame({"time": rng.integers(1_700_000_000, 1_730_000_000, n), "source": rng.integers(0, 300, n),
                          "target": rng.integers(0, 300, n)})
    frame = frame[frame["source"] != frame["target"]]
    lazy = dd.from_pandas(frame, npartitions=9)
    merged = relscore.dask.score(lazy)
    reference = relscore.Scorer()
    reference.add_dataframe(frame)
    assert_same_relationships(merged.to_pandas(), reference.to_pandas())
    # Times as UNIX seconds: the sharded table is taken at the newest one, as to_pandas() is.
    assert_same_relationships(relscore.dask.relationships(lazy, shards=3).compute(), reference.to_pandas())


def test_integer_ids_as_categoricals_or_objects_come_back_as_integers(client):
    """Integer ids given as a Categorical of integers (known categories or not) or as an
    object column of integers give a scorer of integer ids, as one process does."""
    rng = np.random.default_rng(8)
    n = 6_000
    frame = pd.DataFrame({"time": rng.integers(1_700_000_000, 1_730_000_000, n), "source": rng.integers(0, 200, n),
                          "target": rng.integers(0, 200, n)})
    frame = frame[frame["source"] != frame["target"]]
    with dask.config.set({"dataframe.convert-string": False}):  # else dask makes objects strings
        for given in (frame.astype({"source": "category", "target": "category"}),
                      frame.astype({"source": object, "target": object})):
            reference = relscore.Scorer()
            reference.add_dataframe(given)
            assert reference.ids == "int"
            lazy = dd.from_pandas(given, npartitions=4, sort=False)
            if isinstance(given["source"].dtype, pd.CategoricalDtype):
                unknown = lazy.assign(source=lazy["source"].cat.as_unknown(), target=lazy["target"].cat.as_unknown())
                lazies = [lazy, unknown]
            else:
                assert lazy._meta["source"].dtype == object
                lazies = [lazy]
            for each in lazies:
                for partition in ("by_pair", "as_given"):
                    got = relscore.dask.score(each, partition=partition)
                    assert got.ids == "int", (given["source"].dtype, partition)
                    assert got.to_pandas()["a"].dtype == np.int64
                    assert_same_relationships(got.to_pandas(), reference.to_pandas())


def test_float_and_time_categories_are_refused_as_one_process_refuses_them(client):
    """People as a Categorical of floats or of Timestamps: one process refuses them (str()
    of them would name people "1.0"), and so does every path of relscore.dask, naming the
    partition and label of a row."""
    base = synthetic_log(2_000, people=30, seed=3).fillna({"weight": 1.0})
    number = {c: base[c].cat.codes for c in ("source", "target")}
    for people, said in ((lambda k: k.astype(float), r"person id \d+\.0 is a float, not a string or an integer"),
                         (lambda k: pd.Timestamp("2020-01-01") + pd.to_timedelta(k, unit="D"),
                          r"person id Timestamp\('2020-01-\d\d 00:00:00'\) is a Timestamp, not a string or an integer")):
        dtype = pd.CategoricalDtype(sorted(set(people(number["source"])) | set(people(number["target"]))))
        frame = base.assign(**{c: people(k).astype(dtype) for c, k in number.items()})
        with pytest.raises(ValueError, match=said):
            single_machine(frame)
        lazy = dd.from_pandas(frame, npartitions=4, sort=False)
        where = r"relscore\.dask: partition \d, index label \d+: (source|target) at row \d+: "
        with pytest.raises(ValueError, match=where + said):
            relscore.dask.score(lazy, shards=2)
        with pytest.raises(ValueError, match=where + said):
            relscore.dask.insight_frame(lazy, shards=2).compute()


def test_bad_input_in_one_partition_names_the_partition_and_row(client):
    frame = synthetic_log(4_000, people=100, seed=9).fillna({"weight": 1.0})
    frame.index = pd.RangeIndex(100_000, 104_000)  # labels differ from positions
    bad = frame.copy()
    bad.loc[102_345, "weight"] = -0.5  # in partition 2 of 4
    with pytest.raises(ValueError, match=r"relscore\.dask: partition 2, index label 102345: weight must be finite"):
        relscore.dask.score(dd.from_pandas(bad, npartitions=4, sort=False))

    selfie = frame.copy()
    selfie.loc[100_010, "target"] = selfie.loc[100_010, "source"]
    with pytest.raises(ValueError, match=r"relscore\.dask: partition 0, index label 100010: .*self-interaction"):
        relscore.dask.score(dd.from_pandas(selfie, npartitions=4, sort=False))

    with pytest.raises(KeyError, match="no column 'sender'"):
        relscore.dask.score(dd.from_pandas(frame, npartitions=2), source="sender")


def test_missing_integer_ids_and_bad_times_name_the_partition_and_label(client, monkeypatch):
    """A nullable Int64 id that is <NA> is refused as one process refuses it ("source has a
    missing id"), not by the pair's hash; a NaT or unreadable time is refused by
    insight_frame's time bounds (taken as the log is split, or by a pass of their own
    before Dask's staged shuffle), for people as codes and as integers; each names the
    partition and the row's label."""
    base = synthetic_log(4_000, people=80, seed=21).fillna({"weight": 1.0})
    base.index = pd.RangeIndex(100_000, 104_000)
    ints = base.assign(source=base["source"].cat.codes.astype("Int64"), target=base["target"].cat.codes.astype("Int64"))
    missing = ints.copy()
    missing.loc[102_345, "source"] = pd.NA  # partition 2 of 4
    with pytest.raises(ValueError, match=r"relscore\.dask: partition 2, index label 102345: source has a missing id"):
        relscore.dask.score(dd.from_pandas(missing, npartitions=4, sort=False), shards=2)
    for frame in (base, ints.astype({"source": "int64", "target": "int64"})):
        nat, text = frame.copy(), frame.assign(time=frame["time"].astype(str))
        nat.loc[102_345, "time"] = pd.NaT
        text.loc[102_345, "time"] = "not a time"
        for bad, said in ((nat, "time has NaT at row 345"), (text, "time at row 345: .*invalid time 'not a time'")):
            lazy = dd.from_pandas(bad, npartitions=4, sort=False)
            with pytest.raises(ValueError, match=rf"relscore\.dask: partition 2, index label 102345: {said}"):
                relscore.dask.insight_frame(lazy, shards=2).compute()
            with monkeypatch.context() as m:
                m.setattr(relscore._dask_shuffle, "_MAX_PIECES", 1)  # Dask's staged shuffle
                with pytest.raises(ValueError, match=rf"relscore\.dask: partition 2, index label 102345: {said}"):
                    relscore.dask.insight_frame(lazy, shards=2).compute()


def canonical_insight(frame: pd.DataFrame) -> pd.DataFrame:
    return canonical(frame).reset_index(drop=True)


def assert_same_insight(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Every column of insight_frame(): the sums to 1e-12 (merge adds them in another
    order), everything else (stars, touches, trend, rhythm, due, times, counts) exactly."""
    got, want = canonical_insight(got), canonical_insight(want)
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    close = FLOATS + ["trend_change", "overdue"]
    for column in want.columns:
        if column in close:
            np.testing.assert_allclose(got[column].to_numpy(float), want[column].to_numpy(float), rtol=1e-12, atol=1e-300,
                                       err_msg=column)
        else:
            assert (got[column].astype(str).to_numpy() == want[column].astype(str).to_numpy()).all(), column


def test_by_pair_every_insight_column_is_exact_on_a_shuffled_log(client):
    """Issue 18's check: a shuffled 200 k-interaction log over 8 partitions, each pair in
    many of them; partitioned by pair, every column of insight_frame() (stars, touches,
    trend, rhythm, due, not only strength) equals one process's."""
    whole = synthetic_log(200_000, people=5_000, seed=21).sample(frac=1.0, random_state=3).reset_index(drop=True)
    frame = dd.from_pandas(whole, npartitions=8, sort=False)
    reference = single_machine(whole).insight_frame(sort=False)
    merged = relscore.dask.score(frame, missing_weight="default")
    assert_same_insight(merged.insight_frame(sort=False), reference)
    sharded = relscore.dask.insight_frame(frame, shards=6, missing_weight="default")
    assert sharded.npartitions == 6
    assert_same_insight(sharded.compute(), reference)
    # As given, the partitions interleave each pair's history: strength is still exact,
    # the conversation statistics only approximate (touches over-counted), as documented.
    as_given = relscore.dask.score(frame, missing_weight="default", partition="as_given").insight_frame(sort=False)
    got, want = canonical_insight(as_given), canonical_insight(reference)
    np.testing.assert_allclose(got["strength"], want["strength"], rtol=1e-12)
    assert (got["touches"] >= want["touches"]).all() and (got["touches"] > want["touches"]).any()


def test_sharded_relationships_never_merge_but_agree(client):
    specs = [(8_000, k, None) for k in range(8)]
    frame = shuffled_partitions(specs, people=1_000)
    merged = relscore.dask.score(frame, missing_weight="default")
    sharded = relscore.dask.relationships(frame, shards=5, missing_weight="default")
    assert sharded.npartitions == 5
    assert_same_relationships(sharded.compute(), merged.to_pandas(at=merged.newest))


def test_results_as_dask_dataframe_and_snapshots_on_the_wire(client):
    frame = synthetic_log(10_000, people=200, seed=4)
    merged = relscore.dask.score(dd.from_pandas(frame, npartitions=3), missing_weight="default")
    lazy = relscore.dask.to_dask_dataframe(merged, npartitions=4)
    assert lazy.npartitions == 4
    pd.testing.assert_frame_equal(lazy.compute().reset_index(drop=True), merged.to_pandas())
    # Scorers pickle as their snapshot, so even a Scorer sent by Dask travels compactly.
    assert merged.to_bytes() in pickle.dumps(merged)
    assert len(pickle.dumps(merged)) < len(merged.to_bytes()) + 200


def test_merge_snapshots_rejects_a_bad_split_and_an_empty_list():
    with pytest.raises(ValueError, match="split_every"):
        relscore.dask.merge_snapshots([b""], split_every=1)
    with pytest.raises(ValueError, match="nothing to merge"):
        relscore.dask.merge_snapshots([])


def test_the_scale_example_runs_and_checks_itself(tmp_path):
    """examples/python/dask_scale.py, small: its own LocalCluster, every stage, and --check
    (the same log scored in one process, compared to 1e-12); with --progress (on by
    default in a terminal) the long stages draw Dask's progress bar, and the dashboard's
    address is printed."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    script = os.path.join(root, "examples", "python", "dask_scale.py")
    result = subprocess.run([sys.executable, script, "--events", "200000", "--people", "5000", "--partitions", "8",
                             "--workers", "2", "--memory-limit", "1GiB", "--top", "3", "--check", "--progress"],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "largest relative difference in strength" in result.stdout
    assert "the 3 strongest relationships" in result.stdout
    assert result.stdout.count("100% Completed") == 3  # generate, score, insight
    assert "dashboard: http" in result.stdout


def test_by_pair_lean_and_staged_shuffles_put_each_pair_in_one_shard(client, monkeypatch):
    """The direct exchange (partitions x shards pieces) and, past _MAX_PIECES, Dask's own
    staged shuffle: the same rows, each unordered pair in exactly one shard, people
    restored as the same Categorical, and any number of shards."""
    whole = synthetic_log(30_000, people=800, seed=13).sample(frac=1.0, random_state=1)
    frame = dd.from_pandas(whole, npartitions=5, sort=False)
    for staged in (False, True):
        if staged:
            monkeypatch.setattr(relscore._dask_shuffle, "_MAX_PIECES", 1)
        for shards in (1, 3, 8):
            parts = [p for p in relscore.dask.by_pair(frame, npartitions=shards).to_delayed()]
            assert len(parts) == shards
            pieces = dask.compute(*parts)
            assert sum(len(p) for p in pieces) == len(whole)
            assert all(p["source"].dtype == whole["source"].dtype for p in pieces if len(p))
            pair_shard = {}
            for k, piece in enumerate(pieces):
                for a, b in zip(piece["source"].astype(str), piece["target"].astype(str)):
                    assert pair_shard.setdefault(frozenset((a, b)), k) == k
            got = pd.concat(pieces).sort_index()
            pd.testing.assert_frame_equal(got, whole.sort_index(), check_categorical=True)


def test_partitions_whose_categories_are_not_the_metadata_are_recoded(client, monkeypatch):
    """Dask takes known categories to be every partition's, but dd.concat of frames with
    other categories (its metadata: their union) leaves partitions whose own codes mean
    other people: each is recoded by name, in the direct exchange and in Dask's staged
    shuffle, and every column equals one process's. A person the metadata does not know
    (map_partitions that trims categories: dask infers 1 category) names its partition
    and label; the log with its categories made unknown is scored exactly."""
    whole = synthetic_log(6_000, people=120, seed=31).fillna({"weight": 1.0})
    halves = [whole.iloc[:3_000].copy(), whole.iloc[3_000:].copy()]
    for k, half in enumerate(halves):
        names = sorted(set(half["source"].astype(str)) | set(half["target"].astype(str)))
        names = names[::-1] if k else names  # the same people, in another order
        for c in ("source", "target"):
            half[c] = pd.Categorical(half[c].astype(str), categories=names)
    frame = dd.concat([dd.from_pandas(h, npartitions=2, sort=False) for h in halves])
    assert frame["source"].cat.known
    reference = single_machine(whole)
    want = reference.insight_frame(sort=False)
    assert_same_insight(relscore.dask.insight_frame(frame, shards=2, missing_weight="default").compute(), want)
    assert_same_insight(relscore.dask.score(frame, shards=3, missing_weight="default").insight_frame(sort=False), want)
    monkeypatch.setattr(relscore._dask_shuffle, "_MAX_PIECES", 1)  # Dask's staged shuffle
    assert_same_relationships(relscore.dask.score(frame, shards=3, missing_weight="default").to_pandas(),
                              reference.to_pandas())
    monkeypatch.undo()

    dtype = pd.CategoricalDtype(sorted(set(whole["source"].astype(str)) | set(whole["target"].astype(str))))
    typed = whole.assign(source=whole["source"].astype(str).astype(dtype), target=whole["target"].astype(str).astype(dtype))
    typed.index = pd.RangeIndex(10_000, 16_000)
    trimmed = dd.from_pandas(typed, npartitions=3, sort=False).map_partitions(
        lambda p: p.assign(source=p["source"].cat.remove_unused_categories(),
                           target=p["target"].cat.remove_unused_categories()))
    assert trimmed["source"].cat.known and len(trimmed._meta["source"].cat.categories) == 1
    with pytest.raises(ValueError, match=r"relscore\.dask: partition \d, index label 1\d{4}: source at row \d+: person id "
                                         r"'p\d+' is not among the categories of the dask DataFrame's metadata"):
        relscore.dask.score(trimmed, shards=2, missing_weight="default")
    unknown = trimmed.assign(source=trimmed["source"].cat.as_unknown(), target=trimmed["target"].cat.as_unknown())
    assert_same_relationships(relscore.dask.score(unknown, shards=2, missing_weight="default").to_pandas(),
                              reference.to_pandas())


def _with_own_categories(rows, order, shared=True):
    """rows with source and target as Categoricals over `order`, in new categories
    objects (as they arrive from another process): one shared by both columns, or one
    each."""
    dtype = pd.CategoricalDtype(pd.Index(order, dtype="str"))
    other = dtype if shared else pd.CategoricalDtype(pd.Index(order, dtype="str"))
    return rows.assign(source=rows["source"].astype(str).astype(dtype), target=rows["target"].astype(str).astype(other))


def test_the_split_checks_each_partitions_categories_once(monkeypatch):
    """A partition's categories equal to the table's but not the same object (as they
    arrive from another process) are compared by name once, whether source and target
    share them or not, and a partition whose categories differ is still recoded."""
    whole = synthetic_log(4_000, people=50, seed=3).fillna({"weight": 1.0})
    names = sorted(set(whole["source"].astype(str)) | set(whole["target"].astype(str)))
    table = pd.CategoricalDtype(pd.Index(names, dtype="str"))
    part = _with_own_categories
    parts = [part(whole.iloc[:1_000], names), part(whole.iloc[1_000:2_000], names, shared=False),
             part(whole.iloc[2_000:3_000], names[::-1]), part(whole.iloc[3_000:], names)]
    calls = []  # a partition's categories compared with the table's
    equals = pd.Index.equals
    monkeypatch.setattr(pd.Index, "equals",
                        lambda self, other: calls.append(other is table.categories) or equals(self, other))
    pieces = relscore._dask_shuffle._split_by_pair(3, "source", "target", table, None, *parts,
                                                   columnar=["time", "channel", "weight"])
    # parts 0 and 3 once each, part 1's two objects once each, part 2's (unequal) twice
    assert sum(calls) == 6
    monkeypatch.undo()
    # Every row once, with its codes in the table (part 2 recoded by name) beside its own time.
    got = pd.DataFrame([(s, t, time) for piece in pieces for columns in piece[0]
                        for s, t, time in zip(columns.source, columns.target, columns.data["time"])],
                       columns=["source", "target", "time"])
    whole_parts = pd.concat(parts)
    want = pd.DataFrame({c: table.categories.get_indexer(whole_parts[c].astype(str)) for c in ("source", "target")})
    want["time"] = whole_parts["time"].to_numpy()
    key = ["time", "source", "target"]
    pd.testing.assert_frame_equal(got.sort_values(key, ignore_index=True), want.sort_values(key, ignore_index=True),
                                  check_dtype=False)


def test_the_staged_path_checks_a_partitions_shared_categories_once(monkeypatch):
    """Past the direct exchange's cap, each partition's people become codes on their own
    (_people_as_codes): a partition whose source and target share one categories object
    equal to the table's is compared by name once; one with two objects twice; one with
    other categories is still recoded."""
    whole = synthetic_log(3_000, people=40, seed=5).fillna({"weight": 1.0})
    names = sorted(set(whole["source"].astype(str)) | set(whole["target"].astype(str)))
    table = pd.CategoricalDtype(pd.Index(names, dtype="str"))

    def coded(rows, shared=True, order=names):
        rows = _with_own_categories(rows, order, shared)
        calls.clear()
        out = relscore._dask_shuffle._people_as_codes(rows, "source", "target", table, number=0)
        want = {c: table.categories.get_indexer(rows[c].astype(str)) for c in ("source", "target")}
        for c in ("source", "target"):
            np.testing.assert_array_equal(np.asarray(out[c]), want[c])
        return sum(calls)

    calls = []  # a partition's categories compared with the table's
    equals = pd.Index.equals
    monkeypatch.setattr(pd.Index, "equals",
                        lambda self, other: calls.append(other is table.categories) or equals(self, other))
    assert coded(whole.iloc[:1_000]) == 1
    assert coded(whole.iloc[1_000:2_000], shared=False) == 2
    assert coded(whole.iloc[2_000:], order=names[::-1]) == 2  # unequal: recoded by name, each column


def test_the_dashboard_serves_its_pages():
    """The progress pages docs/scale-out.md points to: with bokeh installed (the dask
    extra), the dashboard serves them, not distributed's page asking for bokeh."""
    import urllib.request

    with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster, Client(cluster) as c:
        assert c.dashboard_link
        base = f"http://127.0.0.1:{cluster.scheduler.http_server.port}"
        for page in ("status", "tasks", "individual-progress"):
            with urllib.request.urlopen(f"{base}/{page}", timeout=30) as response:
                body = response.read().decode()
            assert response.status == 200 and "needs bokeh" not in body and "Bokeh" in body, page


def test_the_direct_exchange_counts_the_groups_it_makes(monkeypatch):
    """_MAX_PIECES bounds the pieces of the groups actually made: a persisted log gives
    every worker that holds partitions a group of its own, which can be more groups than
    shards; past the bound the split is Dask's own shuffle."""
    frame = dd.from_pandas(synthetic_log(2_000, people=50, seed=5), npartitions=8, sort=False)
    monkeypatch.setattr(relscore._dask_shuffle, "_MAX_PIECES", 20)
    assert relscore._dask_shuffle._exchange(frame, "source", "target", 3, None) is not None  # 3 groups x 3 shards
    one_each = lambda frame, groups, held=None: [[k] for k in range(frame.npartitions)]  # as 8 workers would
    monkeypatch.setattr(relscore._dask_shuffle, "_placed_groups", one_each)
    assert relscore._dask_shuffle._exchange(frame, "source", "target", 3, None) is None  # 8 x 3 = 24 pieces


def test_score_with_few_shards_combines_disjoint_partials_once(client):
    """score(shards=k): the shuffle makes k partials with disjoint relationships, combined
    at the client in one pass (combine_snapshots): every insight column as one process."""
    whole = synthetic_log(60_000, people=2_000, seed=17).sample(frac=1.0, random_state=5).reset_index(drop=True)
    frame = dd.from_pandas(whole, npartitions=6, sort=False)
    reference = single_machine(whole).insight_frame(sort=False)
    for shards in (1, 2, 9):
        got = relscore.dask.score(frame, shards=shards, missing_weight="default")
        assert_same_insight(got.insight_frame(sort=False), reference)
    partials = dask.compute(*relscore.dask.partial_snapshots(relscore.dask.by_pair(frame, npartitions=3),
                                                             missing_weight="default"))
    combined = relscore.dask.combine_snapshots(list(partials))
    assert_same_insight(combined.insight_frame(sort=False), reference)
    with pytest.raises(ValueError, match="nothing to combine"):
        relscore.dask.combine_snapshots([])


def test_combine_snapshots_gives_integer_ids_back(client):
    rng = np.random.default_rng(8)
    n = 5_000
    frame = pd.DataFrame({"time": rng.integers(1_700_000_000, 1_730_000_000, n), "source": rng.integers(0, 60, n),
                          "target": rng.integers(60, 120, n)})
    merged = relscore.dask.score(dd.from_pandas(frame, npartitions=3), shards=2)
    assert merged.ids == "int"
    reference = relscore.Scorer()
    reference.add_dataframe(frame)
    assert_same_relationships(merged.to_pandas(), reference.to_pandas())


def test_string_names_are_factorized_once_and_every_column_is_exact(client):
    """People given as strings (pandas' str dtype, as read_parquet and read_csv give them):
    by_pair factorizes the names once for the whole log (one code table), shuffles codes,
    and hands back a Categorical over that table; scoring is exact in every column, and a
    missing name is still reported."""
    whole = synthetic_log(40_000, people=1_500, seed=19).sample(frac=1.0, random_state=2).reset_index(drop=True)
    whole["source"], whole["target"] = whole["source"].astype("str"), whole["target"].astype("str")
    frame = dd.from_pandas(whole, npartitions=5, sort=False)
    shuffled = relscore.dask.by_pair(frame, npartitions=3)
    pieces = dask.compute(*shuffled.to_delayed())
    dtypes = {str(p["source"].dtype.categories.tolist()[:5]) for p in pieces}
    assert len(dtypes) == 1 and all(isinstance(p["source"].dtype, pd.CategoricalDtype) for p in pieces)
    assert set(pieces[0]["source"].dtype.categories) == set(whole["source"]) | set(whole["target"])
    got = pd.concat(pieces).sort_index()
    assert (got["source"].astype(str).to_numpy() == whole["source"].to_numpy()).all()
    reference = single_machine(whole).insight_frame(sort=False)
    assert_same_insight(relscore.dask.score(frame, shards=2, missing_weight="default").insight_frame(sort=False),
                        reference)
    assert_same_insight(relscore.dask.insight_frame(frame, shards=4, missing_weight="default").compute(), reference)
    bad = whole.copy()
    bad.loc[123, "target"] = None
    with pytest.raises(ValueError, match="missing id"):
        relscore.dask.score(dd.from_pandas(bad, npartitions=3, sort=False), missing_weight="default")


def _load_and_merge(snapshots, ids=None):
    """The combine before Scorer.from_bytes_many: load the first, merge each other one."""
    result = relscore.Scorer.from_bytes(snapshots[0], ids=ids)
    for data in snapshots[1:]:
        result.merge(relscore.Scorer.from_bytes(data, ids=ids))
    return result


@pytest.mark.parametrize("names", ["str", "int"])
def test_from_bytes_many_of_disjoint_partials_equals_load_and_merge(client, names):
    """Scorer.from_bytes_many (what combine_snapshots uses for by_pair partials) decodes the
    partials straight into one scorer: the same bytes as loading and merging them in the
    same order, and every insight column as one process; empty partials change nothing."""
    whole = synthetic_log(30_000, people=1_200, seed=23).sample(frac=1.0, random_state=3).reset_index(drop=True)
    if names == "int":
        codes = {name: k for k, name in enumerate(pd.unique(pd.concat([whole["source"], whole["target"]])))}
        whole["source"] = whole["source"].map(codes).astype(np.int64)
        whole["target"] = whole["target"].map(codes).astype(np.int64)
    else:
        whole["source"], whole["target"] = whole["source"].astype("str"), whole["target"].astype("str")
    ids = "int" if names == "int" else None
    frame = dd.from_pandas(whole, npartitions=4, sort=False)
    partials = list(dask.compute(*relscore.dask.partial_snapshots(relscore.dask.by_pair(frame, npartitions=5),
                                                                  missing_weight="default")))
    partials.insert(2, relscore.Scorer().to_bytes())  # an empty partial, in the middle
    for order in (partials, partials[::-1]):
        combined = relscore.Scorer.from_bytes_many(order, ids=ids)
        assert combined.to_bytes() == _load_and_merge(order, ids=ids).to_bytes()
        assert combined.ids == ("int" if names == "int" else "str")
    reference = single_machine(whole).insight_frame(sort=False)
    assert_same_insight(relscore.dask.combine_snapshots(partials, ids=ids).insight_frame(sort=False), reference)
    assert len(relscore.Scorer.from_bytes_many([])) == 0


def test_from_bytes_many_refuses_overlapping_partials_and_combine_snapshots_merges_them(client):
    whole = synthetic_log(20_000, people=800, seed=29)
    frame = dd.from_pandas(whole, npartitions=4, sort=False)  # as given: pairs in several partials
    partials = list(dask.compute(*relscore.dask.partial_snapshots(frame, missing_weight="default")))
    with pytest.raises(ValueError, match="disjoint relationships only"):
        relscore.Scorer.from_bytes_many(partials)
    combined = relscore.dask.combine_snapshots(partials)  # falls back to load + merge
    assert combined.to_bytes() == _load_and_merge(sorted(partials, key=len, reverse=True)).to_bytes()
    assert_same_relationships(combined.to_pandas(), single_machine(whole).to_pandas())
    other = relscore.Scorer(reciprocity=0.9)
    other.add(1_700_000_000, "x", "y")
    with pytest.raises(ValueError, match="different configuration"):
        relscore.Scorer.from_bytes_many([partials[0], other.to_bytes()])
    with pytest.raises(ValueError, match="snapshot 1"):
        relscore.Scorer.from_bytes_many([partials[0], partials[1][:-3]])


def test_grouped_split_names_the_original_partition_and_label(client):
    """With fewer shards than partitions, each split task cuts a group of adjacent input
    partitions: an error still names the partition the row came from, and its label."""
    frame = synthetic_log(6_000, people=100, seed=9).fillna({"weight": 1.0})
    frame.index = pd.RangeIndex(200_000, 206_000)
    frame.loc[204_321, "weight"] = -0.5  # in partition 4 of 6, group 1 (partitions 3..5) of 2
    with pytest.raises(ValueError, match=r"relscore\.dask: partition 4, index label 204321: weight must be finite"):
        relscore.dask.score(dd.from_pandas(frame, npartitions=6, sort=False), shards=2)
    with pytest.raises(ValueError, match=r"partition 4, index label 204321"):
        relscore.dask.insight_frame(dd.from_pandas(frame, npartitions=6, sort=False), shards=2).compute()


def test_labels_of_range_and_other_indexes_in_one_shard(client):
    """Partitions with a RangeIndex (of any start and step) carry each row's position,
    others their labels; a shard that joins pieces of both kinds still names the label of
    a bad row, in either kind of partition, and scores the rest exactly."""
    base = synthetic_log(8_000, people=120, seed=13).fillna({"weight": 1.0})
    parts = [base.iloc[k * 2_000:(k + 1) * 2_000].copy() for k in range(4)]
    parts[0].index = pd.RangeIndex(0, 2_000)
    parts[1].index = pd.RangeIndex(10_000, 16_000, 3)  # a step
    parts[2].index = pd.Index([f"row{k}" for k in range(2_000)])
    parts[3].index = pd.RangeIndex(50_000, 52_000)
    meta = parts[0].iloc[:0]

    def frame_of(pieces):
        return dd.from_delayed([dask.delayed(p) for p in pieces], meta=meta, verify_meta=False)

    reference = single_machine(pd.concat(parts, ignore_index=True)).insight_frame(sort=False)
    assert_same_insight(relscore.dask.insight_frame(frame_of(parts), shards=2).compute(), reference)
    for number, label, shown in ((1, 10_000 + 3 * 1_234, "13702"), (2, "row77", "'row77'"), (3, 51_999, "51999")):
        bad = [p.copy() for p in parts]
        bad[number].loc[label, "weight"] = -0.5
        with pytest.raises(ValueError, match=rf"partition {number}, index label {shown}: weight must be finite"):
            relscore.dask.insight_frame(frame_of(bad), shards=2).compute()


def test_labels_of_a_range_index_and_a_datetime_index_in_one_shard(client):
    """Labels with no common numpy dtype (a RangeIndex partition's and a DatetimeIndex
    one's), joined in one split task (shards=1) or one shard (shards=2), still name the
    bad row's partition and label."""
    base = synthetic_log(2_000, people=60, seed=17).fillna({"weight": 1.0})
    a, b = base.iloc[:1_000].copy(), base.iloc[1_000:].copy()
    b.index = pd.date_range("2026-01-01", periods=len(b), freq="min")
    for number, (label, shown) in enumerate(((a.index[10], "10"), (b.index[10], r"Timestamp\('2026-01-01 00:10:00'\)"))):
        parts = [a.copy(), b.copy()]
        parts[number].loc[label, "weight"] = -1.0
        frame = dd.from_delayed([dask.delayed(p) for p in parts], meta=a.iloc[:0], verify_meta=False)
        for shards in (1, 2):
            with pytest.raises(ValueError, match=rf"relscore\.dask: partition {number}, index label {shown}: weight must"):
                relscore.dask.score(frame, shards=shards)


def test_partial_snapshots_by_shard_hold_disjoint_relationships(client):
    """partial_snapshots(shards=k): one snapshot per shard of by_pair (each shard joined
    and scored in one task), no relationship in two of them, together the whole log."""
    whole = synthetic_log(50_000, people=1_500, seed=31).sample(frac=1.0, random_state=4).reset_index(drop=True)
    frame = dd.from_pandas(whole, npartitions=7, sort=False)
    partials = dask.compute(*relscore.dask.partial_snapshots(frame, shards=3, missing_weight="default"))
    assert len(partials) == 3
    pairs = [set(map(frozenset, relscore.Scorer.from_bytes(p).to_pandas()[["a", "b"]].astype(str).to_numpy().tolist()))
             for p in partials]
    assert all(pairs) and not (pairs[0] & pairs[1] or pairs[0] & pairs[2] or pairs[1] & pairs[2])
    reference = single_machine(whole).insight_frame(sort=False)
    assert_same_insight(relscore.dask.combine_snapshots(list(partials)).insight_frame(sort=False), reference)
    with pytest.raises(TypeError, match="shards= needs a dask DataFrame"):
        relscore.dask.partial_snapshots(whole, shards=2)


def test_a_persisted_log_is_split_where_its_partitions_are(client):
    """Partitions of a persisted log held by one worker are split together, so no input
    partition moves between workers (Dask places partitions on alternating workers:
    groups of adjacent ones would each gather half of theirs); only the pieces do. Every
    column of insight_frame() stays exact."""
    whole = synthetic_log(40_000, people=600, seed=17).sample(frac=1.0, random_state=4).reset_index(drop=True)
    frame = dd.from_pandas(whole, npartitions=8, sort=False).persist()
    wait(frame)
    assert len({w for ws in client.who_has(futures_of(frame)).values() for w in ws}) == 2  # something to place
    client.run(lambda dask_worker: dask_worker.transfer_incoming_log.clear())
    got = relscore.dask.insight_frame(frame, shards=2, missing_weight="default").compute()
    moved = client.run(lambda dask_worker: [str(key) for entry in dask_worker.transfer_incoming_log
                                            for key in entry["keys"]])
    moved = [key for keys in moved.values() for key in keys]
    assert moved and not [key for key in moved if "frompandas" in key]  # pieces move, partitions do not
    assert_same_insight(got, single_machine(whole).insight_frame(sort=False))


def test_pieces_are_taken_where_their_group_was_split(client):
    """Each shard's pieces are a task group of their own, so Dask's scheduler does not take
    them for root-ish tasks (16 pieces of one group over 4 split tasks would be), which it
    places with no regard for their input: it then moved whole split outputs (every piece
    of a group) to the other worker to take one piece out. Only pieces move."""
    from dask.utils import key_split

    whole = synthetic_log(60_000, people=900, seed=19).sample(frac=1.0, random_state=6).reset_index(drop=True)
    frame = dd.from_pandas(whole, npartitions=8, sort=False).persist()
    wait(frame)
    tasks = relscore.dask.partial_snapshots(frame, shards=4, missing_weight="default")
    keys = [str(key) for key in dict(dask.base.collections_to_expr(tasks).__dask_graph__())]
    groups: dict = {}
    for key in keys:
        groups.setdefault(key_split(key), []).append(key)
    pieces = {name: members for name, members in groups.items() if name.startswith("relscore-piece")}
    assert len(pieces) == 4 and all(len(members) == 4 for members in pieces.values())
    assert not [name for name in groups if name == "getitem"]
    client.run(lambda dask_worker: dask_worker.transfer_incoming_log.clear())
    rows = relscore.dask.insight_frame(frame, shards=4, missing_weight="default").compute()
    moved = client.run(lambda dask_worker: [str(key) for entry in dask_worker.transfer_incoming_log
                                            for key in entry["keys"]])
    moved = [key for keys in moved.values() for key in keys]
    assert moved and not [key for key in moved if "split_by_pair" in key]  # (work stealing may move a partition)
    assert_same_insight(rows, single_machine(whole).insight_frame(sort=False))


def test_a_persisted_log_is_read_from_its_futures_and_a_step_on_top_is_not(client):
    """The partitions of a persisted log go into the split tasks as the futures that hold
    them (no alias task per partition); a frame computed from a persisted one (here its
    weights doubled) is not mistaken for it."""
    whole = synthetic_log(30_000, people=700, seed=29).sample(frac=1.0, random_state=8).reset_index(drop=True)
    whole["weight"] = whole["weight"].fillna(1.0)
    frame = dd.from_pandas(whole, npartitions=6, sort=False).persist()
    wait(frame)
    tasks = relscore.dask.partial_snapshots(frame, shards=2, missing_weight="default")
    graph = dict(dask.base.collections_to_expr(tasks).__dask_graph__())
    assert not [key for key, task in graph.items() if isinstance(task, dask._task_spec.Alias)]
    doubled = frame.assign(weight=frame["weight"] * 2)
    want = single_machine(whole.assign(weight=whole["weight"] * 2)).insight_frame(sort=False)
    assert_same_insight(relscore.dask.insight_frame(doubled, shards=2, missing_weight="default").compute(), want)


def test_columnar_shards_take_every_column_type_exactly(client):
    """The shards travel as columns (only those scoring reads): timezone-aware times,
    channels as strings in some partitions and as Categoricals with other categories in
    others, weights with gaps, mutual flags, and people as a Categorical. Every column of
    insight_frame() equals one process's, the rows' people are strings, a column scoring
    does not read is not needed, and a missing person names its partition and label."""
    whole = synthetic_log(30_000, people=800, seed=23).sample(frac=1.0, random_state=5).reset_index(drop=True)
    whole["time"] = whole["time"].dt.tz_localize("UTC").dt.tz_convert("Europe/Paris")
    whole["note"] = "unread"  # not a column scoring reads
    reference = single_machine(whole.drop(columns="note")).insight_frame(sort=False)
    parts = [whole.iloc[k * 7_500:(k + 1) * 7_500] for k in range(4)]
    mixed = [parts[0].assign(channel=parts[0]["channel"].astype(str)), parts[1],
             parts[2].assign(channel=parts[2]["channel"].cat.reorder_categories(
                 list(reversed(parts[2]["channel"].cat.categories)))), parts[3].assign(channel=parts[3]["channel"].astype(str))]
    frame = dd.from_delayed([dask.delayed(p) for p in mixed], meta=mixed[0].iloc[:0], verify_meta=False)
    rows = relscore.dask.insight_frame(frame, shards=3, missing_weight="default").compute()
    assert isinstance(rows["a"].dtype, pd.StringDtype) and isinstance(rows["b"].dtype, pd.StringDtype)
    assert_same_insight(rows, reference)
    assert_same_insight(relscore.dask.score(frame, shards=2, missing_weight="default").insight_frame(sort=False),
                        reference)
    bad = whole.copy()
    bad.index = pd.RangeIndex(50_000, 80_000)
    bad.loc[61_234, "source"] = np.nan  # a missing person: code -1 of the Categorical
    with pytest.raises(ValueError, match=r"partition 1, index label 61234: source has a missing id"):
        relscore.dask.score(dd.from_pandas(bad, npartitions=4, sort=False), missing_weight="default")


def test_times_at_nanoseconds_beside_microseconds_are_not_wrapped(client, monkeypatch):
    """A partition of datetime64[ns] beside ones of datetime64[us] (whose years 2280 ns
    cannot hold), naive or timezone-aware, joined in a split task or a shard: each time is
    the microsecond one process reads (numpy's cast, which floors: a pre-1970 time of
    -1500 ns is -2 us), and every column equals one process's."""
    whole = synthetic_log(4_000, people=60, seed=29).fillna({"weight": 1.0}).sort_values("time", kind="stable")
    whole = whole.reset_index(drop=True)
    whole["time"] = (whole["time"] - whole["time"].min() + pd.Timestamp("2250-01-01")).astype("datetime64[us]")
    whole.loc[1_000:, "time"] += pd.Timedelta(days=365 * 30)  # 2280 on, after partition 0
    for c in ("source", "target"):
        whole[c] = whole[c].cat.add_categories(["old_a", "old_b"])
    whole.loc[[0, 1], ["source", "target"]] = "old_a", "old_b"  # a pair of its own, before 1970
    sub_us = np.array([-1_500, -2_500], dtype="datetime64[ns]")
    for aware in (False, True):
        parts = [whole.iloc[k * 1_000:(k + 1) * 1_000].copy() for k in range(4)]
        parts[0]["time"] = parts[0]["time"].astype("datetime64[ns]")
        parts[0].loc[[0, 1], "time"] = sub_us
        reference_log = pd.concat([parts[0].assign(time=parts[0]["time"].astype("datetime64[us]")), *parts[1:]])
        if aware:
            parts = [p.assign(time=p["time"].dt.tz_localize("UTC").dt.tz_convert("Asia/Tokyo")) for p in parts]
        assert parts[0]["time"].dt.unit == "ns" and parts[1]["time"].dt.unit == "us"
        reference = single_machine(reference_log)
        last = reference.to_pandas().set_index(["a", "b"])
        last = last["last_interaction"].get(("old_a", "old_b"), last["last_interaction"].get(("old_b", "old_a")))
        assert last == pd.Timestamp(-2, unit="us", tz="UTC")
        frame = dd.from_delayed([dask.delayed(p) for p in parts], meta=parts[1].iloc[:0], verify_meta=False)
        want = reference.insight_frame(sort=False)
        for shards in (1, 2, 4):  # the ns partition joined in the split (1, 2) or in the shard (2, 4)
            assert_same_insight(relscore.dask.score(frame, shards=shards, missing_weight="default").insight_frame(
                sort=False), want)
        assert_same_insight(relscore.dask.insight_frame(frame, shards=2, missing_weight="default").compute(), want)
    # Integer ids: the shards are DataFrames joined by pandas (which failed past 2262), or Dask's staged shuffle.
    ints = [p.assign(source=p["source"].cat.codes.astype(np.int64), target=p["target"].cat.codes.astype(np.int64))
            for p in parts]
    want = single_machine(pd.concat([i.assign(time=i["time"].dt.tz_convert("UTC").dt.tz_localize(None)
                                               .astype("datetime64[us]")) for i in ints])).to_pandas()
    ints = [i.assign(time=i["time"].dt.tz_convert("UTC").dt.tz_localize(None)) for i in ints]  # naive: ns and us
    frame = dd.from_delayed([dask.delayed(i) for i in ints], meta=ints[1].iloc[:0], verify_meta=False)
    for shards in (1, 2):
        assert_same_relationships(relscore.dask.score(frame, shards=shards, missing_weight="default").to_pandas(), want)
    monkeypatch.setattr(relscore._dask_shuffle, "_MAX_PIECES", 1)  # Dask's staged shuffle
    assert_same_relationships(relscore.dask.score(frame, shards=2, missing_weight="default").to_pandas(), want)


def test_pair_shard_is_symmetric_in_range_and_balanced():
    """The shard of a pair of codes (a multiply-shift of its hash, not a modulo): the same
    for a -> b and b -> a, below the number of shards, and about as many pairs in each,
    for any number of shards (powers of two or not)."""
    rng = np.random.default_rng(5)
    a = rng.integers(0, 1 << 20, 400_000).astype(np.int32)
    b = rng.integers(0, 1 << 20, 400_000).astype(np.int32)
    for shards in (1, 2, 3, 7, 64, 256, 257, 1000):
        one = relscore._dask_shuffle._code_pair_shard(a, b, shards)
        other = relscore._dask_shuffle._code_pair_shard(b, a, shards)
        wide = relscore._dask_shuffle._code_pair_shard(a.astype(np.int64), b.astype(np.int64), shards)
        assert (one == other).all() and (one == wide).all()
        assert one.min() >= 0 and one.max() < shards
        counts = np.bincount(one, minlength=shards)
        mean = len(a) / shards
        assert (np.abs(counts - mean) < 6 * np.sqrt(mean) + 1).all(), shards


@pytest.mark.parametrize("shards", [1, 2, 3, 7, 256, 257, 70_000])
def test_split_by_pair_in_cpp_is_the_numpy_split(shards):
    """_core.split_by_pair (the columnar split's cut, in C++) against numpy on random
    partitions, empty ones and missing people (code -1) among them: the same shard as
    _code_pair_shard for every row, each shard's rows in input order (a stable sort by
    shard), the counts by shard and partition, and every column of 1, 2, 4 and 8 bytes
    moved bit for bit (70,000 shards take 32-bit shard numbers inside)."""
    rng = np.random.default_rng(shards)
    sizes = [0, 1, 5_000, 0, 33_333, 17]
    n = sum(sizes)
    a = rng.integers(-1, 3_000, n).astype(np.int32)
    b = rng.integers(-1, 3_000, n).astype(np.int32)
    columns = [a, b, rng.integers(-128, 127, n).astype(np.int8), rng.integers(0, 1 << 16, n).astype(np.uint16),
               rng.standard_normal(n).astype(np.float32), rng.standard_normal(n),
               rng.integers(0, 1 << 62, n).astype("datetime64[us]"), rng.random(n) < 0.5]
    cuts = np.cumsum(sizes)[:-1]
    counts, outputs = relscore._core.split_by_pair(shards, [np.split(c, cuts) for c in columns])
    shard = relscore._dask_shuffle._code_pair_shard(a, b, shards)
    order = np.argsort(shard, kind="stable")
    part = np.repeat(np.arange(len(sizes)), sizes)
    want = np.zeros((shards, len(sizes)), dtype=np.int64)
    np.add.at(want, (shard, part), 1)
    assert counts.shape == (shards, len(sizes)) and (counts == want).all()
    for column, out in zip(columns, outputs):
        assert out.dtype == column.dtype
        assert out.tobytes() == column[order].tobytes()


def test_split_by_pair_refuses_what_it_cannot_move():
    """Columns it cannot move as bytes (objects, parts that differ in dtype or length,
    codes that are not int32), no partitions and absurd shard counts are refused, naming
    the column, not misread; unaligned arrays are read as they are."""
    codes = [np.arange(4, dtype=np.int32)]
    split = relscore._core.split_by_pair
    with pytest.raises(ValueError, match="column 0: the people's codes must be int32"):
        split(2, [[np.arange(4)], codes])
    with pytest.raises(ValueError, match="column 2: values must be numbers, times or flags"):
        split(2, [codes, codes, [np.array(list("abcd"), dtype=object)]])
    with pytest.raises(ValueError, match="column 2: its parts differ in dtype"):
        split(2, [codes * 2, codes * 2, [np.zeros(4), np.zeros(4, dtype=np.float32)]])
    with pytest.raises(ValueError, match="columns of partition 0 differ in length"):
        split(2, [codes, codes, [np.zeros(3)]])
    with pytest.raises(ValueError, match="column 2: not one array per partition"):
        split(2, [codes, codes, [np.zeros(4), np.zeros(4)]])
    with pytest.raises(ValueError, match="shards must be 1 to 2"):
        split(0, [codes, codes])
    with pytest.raises(ValueError, match="shards must be 1 to 2"):
        split((1 << 24) + 1, [codes, codes])
    with pytest.raises(ValueError, match="column 0: no partitions"):
        split(3, [[], []])
    unaligned = np.frombuffer(b"\0" + np.arange(4, dtype=np.float64).tobytes(), dtype=np.float64, offset=1)
    assert not unaligned.flags.aligned
    counts, (_, _, moved) = split(1, [codes, codes, [unaligned]])
    assert moved.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_300_shards_stay_exact(client):
    """300 shards of a one-partition log (one group, 300 pieces: still a direct exchange),
    every insight column as one process's."""
    whole = synthetic_log(20_000, people=600, seed=41).sample(frac=1.0, random_state=2).reset_index(drop=True)
    frame = dd.from_pandas(whole, npartitions=1, sort=False)
    sharded = relscore.dask.insight_frame(frame, shards=300, missing_weight="default")
    assert sharded.npartitions == 300
    assert_same_insight(sharded.compute(), single_machine(whole).insight_frame(sort=False))


def test_shard_counts_and_column_names_are_checked_before_anything_runs(client):
    """shards=/npartitions= must be whole numbers of at least 1 (or None), and a
    misspelled column is named at once, with the frame's columns, by every entry point."""
    frame = dd.from_pandas(synthetic_log(2_000, people=50, seed=3), npartitions=2, sort=False)
    calls = {"score": relscore.dask.score, "insight_frame": relscore.dask.insight_frame,
             "relationships": relscore.dask.relationships,
             "partial_snapshots": lambda f, **kw: relscore.dask.partial_snapshots(f, **kw)}
    for name, call in calls.items():
        for bad, error in ((0, ValueError), (-1, ValueError), (True, TypeError), (2.0, TypeError)):
            with pytest.raises(error, match=rf"relscore\.dask\.{name}\(\): shards must be"):
                call(frame, shards=bad, missing_weight="default")
        with pytest.raises(KeyError, match=r"no column 'when'.*time"):
            call(frame, time="when", missing_weight="default")
    with pytest.raises(ValueError, match=r"by_pair\(\): npartitions must be at least 1"):
        relscore.dask.by_pair(frame, npartitions=0)


def test_relationships_default_time_reads_times_as_scoring_does(client):
    """relationships() without at= answers at the log's newest interaction as the scorer
    reads the times: numbers with origin=/unit=, and ISO texts with UTC offsets (whose
    largest text is not the newest instant), as one process's to_pandas()."""
    log = synthetic_log(3_000, people=60, seed=8).fillna({"weight": 1.0})
    micros = log["time"].astype("datetime64[us]").astype(np.int64).to_numpy()
    utc = pd.to_datetime(micros, unit="us")
    east = (utc + pd.Timedelta(hours=5, minutes=30)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "+05:30"
    west = (utc - pd.Timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "-03:00"
    texts = np.where(np.arange(len(log)) % 2 == 0, east, west)  # the same instants, written two ways
    cases = [(log.assign(time=micros // 1000), {"unit": "ms"}),
             (log.assign(time=(micros - micros.min()) / 1e6),
              {"origin": pd.Timestamp(int(micros.min()), unit="us"), "unit": "s"}),
             (log.assign(time=texts), {})]
    for whole, how in cases:
        one = relscore.Scorer()
        one.add_dataframe(whole, **how)
        got = relscore.dask.relationships(dd.from_pandas(whole, npartitions=3, sort=False), shards=2, **how).compute()
        assert_same_relationships(got, one.to_pandas(sort=False))


def test_insight_frame_of_a_template_without_a_contact_channel(client):
    """The rows' columns are read from the template's own first channel, so a template
    with other channels only works, as score() and relationships() do."""
    template = relscore.Scorer(defaults=False, channels={"chat": (1.0, "7d"), "mail": (2.0, "30d")})
    whole = synthetic_log(2_000, people=40, seed=4).fillna({"weight": 1.0})
    whole["channel"] = np.where(np.arange(len(whole)) % 3 == 0, "chat", "mail")
    one = template.empty_like()
    one.add_dataframe(whole)
    rows = relscore.dask.insight_frame(dd.from_pandas(whole, npartitions=2, sort=False), template=template).compute()
    assert_same_insight(rows, one.insight_frame(sort=False))


def test_score_of_a_list_of_delayed_frames(client):
    """score() takes a list of Delayed pandas frames, as partial_snapshots() does (ids
    are strings: there are no dtypes to read before they are computed). The frames are
    scored as given and merged (see as_given)."""
    whole = synthetic_log(2_000, people=40, seed=6).fillna({"weight": 1.0})
    parts = [dask.delayed(whole.iloc[k * 500:(k + 1) * 500]) for k in range(4)]
    got = relscore.dask.score(parts)
    assert got.ids == "str"
    assert_same_relationships(got.to_pandas(sort=False), single_machine(whole).to_pandas(sort=False))
