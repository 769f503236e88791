"""
relscore's compiled link predictors for evaluation (private: use relscore.evaluate).
"""
from __future__ import annotations
import numpy
import numpy.typing
import typing
__all__: list = ['LinkModel', 'RelscoreLink', 'link_feature_names', 'make_count', 'make_decay', 'make_decay_reciprocal', 'make_edgebank', 'make_hawkes', 'make_power_law', 'make_recency', 'make_relscore_link', 'run_feature_stream', 'run_stream']
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
def run_feature_stream(model: RelscoreLink, src: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], dst: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], time: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], learn_index: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], learn_offset: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], batch_index: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], batch_offset: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], neg_src: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], neg_dst: typing.Annotated[numpy.typing.ArrayLike, numpy.int64]) -> tuple[numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.float64]]:
    """
    As run_stream, but returns the feature matrices (positives, negatives) of relscore's link score.
    """
def run_stream(model: LinkModel, src: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], dst: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], time: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], learn_index: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], learn_offset: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], batch_index: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], batch_offset: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], neg_src: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], neg_dst: typing.Annotated[numpy.typing.ArrayLike, numpy.int64]) -> tuple[numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.float64]]:
    """
    For each batch: observe the learn edges, then score the batch's positives and negatives. Returns (positive scores, negative scores).
    """
__version__: str = '0.1.0'
