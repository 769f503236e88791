"""
relscore's compiled core (private: use the relscore package).
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list = ['Scorer', 'calibrate_stars', 'format_time', 'introductions', 'parse_duration', 'parse_time', 'parse_times', 'strength_matrix', 'suggest_meetings']
class Scorer:
    """
    The C++ scorer. Use relscore.Scorer, which wraps it with Pythonic conversions.
    """
    @staticmethod
    def _pybind11_conduit_v1_(*args, **kwargs):
        ...
    @staticmethod
    def from_bytes(data: bytes) -> Scorer:
        """
        Rebuild a scorer from to_bytes() output.
        """
    @staticmethod
    def from_bytes_many(snapshots: collections.abc.Sequence[bytes]) -> Scorer:
        """
        One scorer from the snapshots of scorers holding disjoint relationships, decoded in one pass (equal to from_bytes(first) merged with each other one). A relationship in two snapshots raises ValueError.
        """
    def __init__(self, reciprocity: typing.SupportsFloat | typing.SupportsIndex, channels: collections.abc.Sequence[tuple[str, typing.SupportsFloat | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex]], insight: dict = {}, kernels: collections.abc.Mapping[str, tuple[str, typing.SupportsInt | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex]] = {}) -> None:
        """
        Create a scorer; channels are (name, weight, half-life in microseconds), empty for the defaults; insight settings by name (see insight_settings).
        """
    def add(self, time_us: typing.SupportsInt | typing.SupportsIndex, source: str, target: str, channel: str, weight: typing.SupportsFloat | typing.SupportsIndex | None, mutual: bool) -> None:
        """
        Add one interaction.
        """
    def add_columns(self, time_us: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], source: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], target: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], people: collections.abc.Sequence[str] | None, channel: typing.Annotated[numpy.typing.ArrayLike, numpy.int64] | None, channel_names: collections.abc.Sequence[str], default_channel: str, weight: typing.Annotated[numpy.typing.ArrayLike, numpy.float64] | None, mutual: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8] | None) -> None:
        """
        Add interactions from columns (validated whole first; the GIL is released).
        """
    def between(self, a: str, b: str, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> tuple:
        """
        One relationship as a tuple of result_fields()['relationship'].
        """
    def conversation(self, a: str, b: str, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> dict:
        """
        Replies, persistence and initiation as a dict (a_to_b, b_to_a: tuples of result_fields()['reply_stats']).
        """
    def copy(self) -> Scorer:
        """
        An independent copy.
        """
    def due(self, person: str | None, k: typing.SupportsInt | typing.SupportsIndex, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> list:
        """
        Relationships due a touch (of one person, or all), as tuples of result_fields()['due_item'].
        """
    def explain(self, a: str, b: str, receipts: typing.SupportsInt | typing.SupportsIndex, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> dict:
        """
        The exact breakdown of a strength as a dict (parts, receipts: tuples of result_fields()['strength_part'], ['receipt']).
        """
    def insight_columns(self, at_us: typing.SupportsInt | typing.SupportsIndex | None, thresholds: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex] | None, log_span_us: typing.SupportsInt | typing.SupportsIndex | None = None) -> dict:
        """
        Per table() row (stars fitted to log_span_us, default the scorer's own log span): stars, trend (-1 cooling, 0 steady, 1 rising, 2 not enough history) and its change, rhythm, due time and overdue factor, as numpy columns; with the table's own columns and the people, from the same state.
        """
    def merge(self, other: Scorer) -> None:
        """
        Fold another scorer in exactly (both are locked; merging a scorer into itself is allowed).
        """
    def people(self) -> list[str]:
        """
        Every person's name, by id.
        """
    def rhythm_of(self, a: str, b: str, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> tuple:
        """
        The rhythm of a relationship as a tuple of result_fields()['rhythm'].
        """
    def shrink_to_fit(self) -> None:
        """
        Release spare capacity (results unchanged).
        """
    def stars_of(self, a: str, b: str, at_us: typing.SupportsInt | typing.SupportsIndex | None, thresholds: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex] | None) -> int:
        """
        Stars (0-5) of one relationship.
        """
    def strengths_between(self, a: list, b: list, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> numpy.typing.NDArray[numpy.float64]:
        """
        Strengths of a[i] with b[i] (lists of names) as a float64 array: 0.0 for a pair that never interacted or a person with themself, NaN where either person is unknown. One lookup per pair.
        """
    def table(self, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> dict:
        """
        Every relationship as numpy columns named as result_fields()['relationship'] (a and b are person ids, times int64 microseconds).
        """
    def to_bytes(self) -> bytes:
        """
        The complete state in relscore's snapshot format.
        """
    def top(self, person: str, k: typing.SupportsInt | typing.SupportsIndex, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> list:
        """
        A person's k strongest relationships as tuples of result_fields()['relationship'].
        """
    def trend_of(self, a: str, b: str, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> tuple:
        """
        The trend of a relationship as a tuple of result_fields()['trend'].
        """
    @property
    def channels(self) -> list[tuple[str, float, int]]:
        """
        The channels as (name, weight, half-life in microseconds).
        """
    @property
    def insight_settings(self) -> dict:
        """
        The insight settings (durations in microseconds).
        """
    @property
    def kernels(self) -> dict[str, tuple[str, int, float, int]]:
        """
        The channels whose kernel is not exponential: name -> (kind, scale us, exponent, range us).
        """
    @property
    def newest_us(self) -> int | None:
        """
        The newest interaction time in microseconds since the epoch, or None.
        """
    @property
    def people_count(self) -> int:
        """
        Number of people seen.
        """
    @property
    def reciprocity(self) -> float:
        """
        The reciprocity weight rho.
        """
    @property
    def relationship_count(self) -> int:
        """
        Number of pairs that ever interacted.
        """
    @property
    def threads(self) -> int:
        """
        Threads a batch (add_columns) may use; 0 sets one per hardware thread. Not saved in snapshots.
        """
    @threads.setter
    def threads(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
def add_common(core, time, source, target, channel, mutual, ids):
    """
    Add one interaction of Scorer.add()'s common shape (int/float seconds, two str or two int ids, no weight) to `core`; returns the id kind ('str' or 'int'), or None if the call is not of that shape or is refused (nothing changed: the general path converts it and says what was wrong).
    """
def calibrate_stars(scorer: Scorer, a: collections.abc.Sequence[str], b: collections.abc.Sequence[str], stars: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex], at_us: typing.SupportsInt | typing.SupportsIndex | None) -> dict:
    """
    Fit the star thresholds to a user's ratings; returns the thresholds and the agreement before and after.
    """
def check_star_thresholds(thresholds: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], what: str) -> None:
    """
    Raise ValueError naming `what` and the position if these are not valid star thresholds (as the core checks).
    """
def factorize_int_ids(source: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], target: typing.Annotated[numpy.typing.ArrayLike, numpy.int64]) -> tuple:
    """
    Integer ids as (source codes, target codes, names): pandas.factorize of source then target, names their decimal values.
    """
def fill_weights(weight: numpy.typing.NDArray[numpy.float64], channel: typing.Annotated[numpy.typing.ArrayLike, numpy.int64] | None, defaults: typing.Annotated[numpy.typing.ArrayLike, numpy.float64] | None) -> int:
    """
    Fill each NaN of weight (float64, in place) with defaults[channel[i]] (defaults[0] for a table of one) and return the first row not in [0, max_weight], or -1. Without defaults, only the check.
    """
def format_time(time_us: typing.SupportsInt | typing.SupportsIndex) -> str:
    """
    Format microseconds since the epoch as ISO 8601 UTC.
    """
def introductions(scorer: Scorer, a: str, z: str, paths: typing.SupportsInt | typing.SupportsIndex, avoid: collections.abc.Sequence[str], at_us: typing.SupportsInt | typing.SupportsIndex | None) -> tuple[list, float]:
    """
    The best chains from a to z: (hops as tuples of result_fields()['intro_hop'], strongest tie).
    """
def parse_config(text: bytes, name: str) -> dict:
    """
    A configuration file's JSON text read as the C++ reader (io::parse_config_file) reads it: {'reciprocity', 'channels': [(name, weight, half_life_us)], 'star_thresholds': 5 floats (inf: no strength earns that star) or None}. ValueError with the reader's message (starting with `name` and a colon, if not empty).
    """
def parse_duration(text: str) -> int:
    """
    Parse a duration such as '90d', '12h', '2w' or 'HH:MM:SS' into microseconds.
    """
def parse_time(text: str) -> int:
    """
    Parse ISO 8601 or UNIX seconds into microseconds since the epoch (UTC).
    """
def parse_times(texts: list, name: str) -> numpy.typing.NDArray[numpy.int64]:
    """
    Parse a list of str as parse_time does into an int64 array of microseconds; ValueError names the row.
    """
def result_fields() -> dict:
    """
    The one description of each result type (relscore/describe.hpp): its name -> [(field, kind, doc)], in output order.
    """
def split_by_pair(shards: typing.SupportsInt | typing.SupportsIndex, columns: list) -> tuple:
    """
    Rows cut into shards by their unordered pair of people: columns[k][p] is column k of partition p (a numpy array of 1-, 2-, 4- or 8-byte values, one dtype per column), columns 0 and 1 the int32 codes of source and target. Returns (counts, outputs): counts[s, p] the rows of partition p in shard s (int64), outputs[k] column k with the rows of shard 0 first, then shard 1's..., each shard's in input order. The shard is _dask_shuffle._code_pair_shard's.
    """
def strength_matrix(scorer: Scorer, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> tuple[numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.int32], numpy.typing.NDArray[numpy.int32], int]:
    """
    The strength graph in CSR form: (data, indices, indptr, n); rows and columns are person ids.
    """
def suggest_meetings(scorer: Scorer, person: str | None, top: typing.SupportsInt | typing.SupportsIndex, max_intermediary_degree: typing.SupportsInt | typing.SupportsIndex, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> list:
    """
    Pairs with no tie ranked by the sum over common contacts of the weaker tie, as tuples of result_fields()['meeting_suggestion'].
    """
__version__: str = '0.1.0'
max_pair_interactions: int = 4294967295
max_weight: float = 1000000000000000.0
