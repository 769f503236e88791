"""
relscore's compiled core (private: use the relscore package).
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list = ['Scorer', 'calibrate_stars', 'format_time', 'introductions', 'parse_duration', 'parse_time', 'strength_matrix', 'suggest_meetings']
class LinkModel:
    """
    A streaming link predictor: score() a batch without learning from it, then observe() edges in time order.
    """
    @staticmethod
    def _pybind11_conduit_v1_(*args, **kwargs):
        ...
    def __repr__(self) -> str:
        ...
    def describe(self) -> str:
        """
        The model and its parameters.
        """
    def observe(self, src: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], dst: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], time: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> None:
        """
        Learn edges src -> dst at time (seconds), in time order.
        """
    def score(self, src: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], dst: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], time: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> numpy.typing.NDArray[numpy.float64]:
        """
        Scores of src -> dst at time (higher = more likely); learns nothing.
        """
class RelscoreLink(LinkModel):
    """
    relscore's link score: a weighted sum of features (relscore.evaluate.LINK_FEATURES).
    """
    @staticmethod
    def _pybind11_conduit_v1_(*args, **kwargs):
        ...
    def features(self, src: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], dst: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], time: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> numpy.typing.NDArray[numpy.float64]:
        """
        The feature vectors (one row per query); learns nothing.
        """
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
    def between(self, a: str, b: str, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> tuple[str, str, float, float, float, float, int | None, int]:
        """
        One relationship as a tuple.
        """
    def conversation(self, a: str, b: str, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> dict:
        """
        Replies, persistence and initiation as a dict.
        """
    def copy(self) -> Scorer:
        """
        An independent copy.
        """
    def due(self, person: str | None, k: typing.SupportsInt | typing.SupportsIndex, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> list:
        """
        Relationships due a touch (of one person, or all), as dicts.
        """
    def explain(self, a: str, b: str, receipts: typing.SupportsInt | typing.SupportsIndex, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> dict:
        """
        The exact breakdown of a strength (and receipts) as a dict.
        """
    def insight_columns(self, at_us: typing.SupportsInt | typing.SupportsIndex | None, thresholds: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex] | None, log_span_us: typing.SupportsInt | typing.SupportsIndex | None = None) -> dict:
        """
        Per table() row (stars fitted to log_span_us, default the scorer's own log span): stars, first interaction, touches, trend (-1 cooling, 0 steady, 1 rising, 2 not enough history) and its change, rhythm, due time and overdue factor, as numpy columns; with the table's own columns and the people, from the same state.
        """
    def merge(self, other: Scorer) -> None:
        """
        Fold another scorer in exactly (both are locked; merging a scorer into itself is allowed).
        """
    def people(self) -> list[str]:
        """
        Every person's name, by id.
        """
    def rhythm_of(self, a: str, b: str, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> dict:
        """
        The rhythm of a relationship as a dict.
        """
    def shrink_to_fit(self) -> None:
        """
        Release spare capacity (results unchanged).
        """
    def stars_of(self, a: str, b: str, at_us: typing.SupportsInt | typing.SupportsIndex | None, thresholds: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex] | None) -> int:
        """
        Stars (0-5) of one relationship.
        """
    def table(self, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> dict:
        """
        Every relationship as numpy columns (a and b are person ids).
        """
    def to_bytes(self) -> bytes:
        """
        The complete state in relscore's snapshot format.
        """
    def top(self, person: str, k: typing.SupportsInt | typing.SupportsIndex, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> list[tuple[str, str, float, float, float, float, int | None, int]]:
        """
        A person's k strongest relationships as tuples.
        """
    def trend_of(self, a: str, b: str, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> dict:
        """
        The trend of a relationship as a dict.
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
def calibrate_stars(scorer: Scorer, a: collections.abc.Sequence[str], b: collections.abc.Sequence[str], stars: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex], at_us: typing.SupportsInt | typing.SupportsIndex | None) -> dict:
    """
    Fit the star thresholds to a user's ratings; returns the thresholds and the agreement before and after.
    """
def format_time(time_us: typing.SupportsInt | typing.SupportsIndex) -> str:
    """
    Format microseconds since the epoch as ISO 8601 UTC.
    """
def introductions(scorer: Scorer, a: str, z: str, paths: typing.SupportsInt | typing.SupportsIndex, avoid: collections.abc.Sequence[str], at_us: typing.SupportsInt | typing.SupportsIndex | None) -> tuple[list[tuple[list[str], list[float], float]], float]:
    """
    The best chains from a to z: ([(people, strengths, product)], strongest tie).
    """
def link_feature_names() -> list[str]:
    """
    The features of relscore's link score, in the order of its weights.
    """
def make_count() -> LinkModel:
    """
    Number of observed src -> dst edges.
    """
def make_decay(half_life: typing.SupportsFloat | typing.SupportsIndex) -> LinkModel:
    """
    Directed decayed volume V_uv (half-life in seconds).
    """
def make_decay_reciprocal(half_life: typing.SupportsFloat | typing.SupportsIndex, reciprocity: typing.SupportsFloat | typing.SupportsIndex) -> LinkModel:
    """
    relscore's strength (1 - rho)(V_uv + V_vu) + rho * 2 min(V_uv, V_vu).
    """
def make_edgebank(mode: str, proportion: typing.SupportsFloat | typing.SupportsIndex = 0.15) -> LinkModel:
    """
    EdgeBank: unlimited, time_window, repeat_interval or repeat_threshold memory.
    """
def make_hawkes(base_rate: typing.SupportsFloat | typing.SupportsIndex, decay_rate: typing.SupportsFloat | typing.SupportsIndex, reciprocal_excitation: typing.SupportsFloat | typing.SupportsIndex) -> LinkModel:
    """
    Hawkes intensity with a popularity base rate and exponential (self and reciprocal) excitation.
    """
def make_power_law(tau: typing.SupportsFloat | typing.SupportsIndex, exponent: typing.SupportsFloat | typing.SupportsIndex) -> LinkModel:
    """
    Power-law kernel: sum over src -> dst edges of (1 + dt / tau)^(-exponent).
    """
def make_recency() -> LinkModel:
    """
    1 / (1 + days since the newest src -> dst edge), 0 if none.
    """
def make_relscore_link(weights: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> RelscoreLink:
    """
    relscore's link score with one weight per feature (see link_feature_names()).
    """
def parse_duration(text: str) -> int:
    """
    Parse a duration such as '90d', '12h', '2w' or 'HH:MM:SS' into microseconds.
    """
def parse_time(text: str) -> int:
    """
    Parse ISO 8601 or UNIX seconds into microseconds since the epoch (UTC).
    """
def run_feature_stream(model: RelscoreLink, src: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], dst: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], time: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], learn_index: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], learn_offset: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], batch_index: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], batch_offset: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], neg_src: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], neg_dst: typing.Annotated[numpy.typing.ArrayLike, numpy.int64]) -> tuple[numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.float64]]:
    """
    As run_stream, but returns the feature matrices (positives, negatives) of relscore's link score.
    """
def run_stream(model: LinkModel, src: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], dst: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], time: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], learn_index: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], learn_offset: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], batch_index: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], batch_offset: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], neg_src: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], neg_dst: typing.Annotated[numpy.typing.ArrayLike, numpy.int64]) -> tuple[numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.float64]]:
    """
    For each batch: observe the learn edges, then score the batch's positives and negatives. Returns (positive scores, negative scores).
    """
def strength_matrix(scorer: Scorer, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> tuple[numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.int32], numpy.typing.NDArray[numpy.int32], int]:
    """
    The strength graph in CSR form: (data, indices, indptr, n); rows and columns are person ids.
    """
def suggest_meetings(scorer: Scorer, person: str | None, top: typing.SupportsInt | typing.SupportsIndex, max_intermediary_degree: typing.SupportsInt | typing.SupportsIndex, at_us: typing.SupportsInt | typing.SupportsIndex | None) -> list[tuple[str, str, float, int, str, float]]:
    """
    Pairs with no tie ranked by the sum over common contacts of the weaker tie: (a, b, score, common, via, via_strength).
    """
__version__: str = '0.1.0'
max_weight: float = 1000000000000000.0
