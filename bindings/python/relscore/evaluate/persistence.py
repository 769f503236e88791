"""A score with its parameters, saved to and loaded from JSON (``--save-models``,
``--model``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict

from .scores import score_spec

__all__ = ["FittedModel", "default_model"]


@dataclass
class FittedModel:
    """A score with its parameters, and where they were fitted. Saves to and loads from JSON."""

    score: str
    params: Dict[str, float]
    fitted_on: Dict[str, Any] = field(default_factory=dict)

    def make(self) -> Any:
        """A fresh compiled model (relscore._eval.LinkModel)."""
        spec = score_spec(self.score)
        unknown = set(self.params) - {p.name for p in spec.parameters}
        if unknown:
            raise ValueError(f"score {self.score!r} has no parameter(s) {sorted(unknown)}")
        values = {p.name: float(self.params.get(p.name, p.default)) for p in spec.parameters}
        return spec.factory(**values)

    def to_json(self) -> str:
        return json.dumps({"score": self.score, "params": self.params, "fitted_on": self.fitted_on}, indent=2)

    @classmethod
    def from_json(cls, text: str, source: str = "<json>") -> "FittedModel":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise ValueError(f"{source}: line {e.lineno}, column {e.colno}: {e.msg}") from None
        if not isinstance(doc, dict) or "score" not in doc:
            raise ValueError(f"{source}: expected an object with a 'score' field")
        params = doc.get("params", {})
        if not isinstance(params, dict) or not all(isinstance(v, (int, float)) for v in params.values()):
            raise ValueError(f"{source}: 'params' must map parameter names to numbers")
        model = cls(str(doc["score"]), {k: float(v) for k, v in params.items()}, dict(doc.get("fitted_on", {})))
        model.make()  # validates the score name and the parameters now, not at first use
        return model

    def save(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json() + "\n")

    @classmethod
    def load(cls, path: str) -> "FittedModel":
        with open(path, encoding="utf-8") as f:
            return cls.from_json(f.read(), path)


def default_model(score: str) -> FittedModel:
    """A score with its default parameters (not fitted)."""
    return FittedModel(score, {p.name: p.default for p in score_spec(score).parameters}, {"fitted": False})
