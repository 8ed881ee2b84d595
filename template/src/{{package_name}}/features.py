"""Turn raw columns into numbers a model can use.

The preprocessing lives inside the scikit-learn Pipeline, so exactly the same
steps run in training and at prediction time (no "training/serving skew").
"""

from __future__ import annotations

from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from .data import CATEGORICAL_FEATURES, CATEGORIES, NUMERIC_FEATURES


def build_preprocessor() -> ColumnTransformer:
    """Scale numeric columns and one-hot encode categorical ones."""
    transformers = [("numeric", StandardScaler(), NUMERIC_FEATURES)]
    if CATEGORICAL_FEATURES:
        encoder = OneHotEncoder(
            categories=[CATEGORIES[column] for column in CATEGORICAL_FEATURES],
            handle_unknown="ignore",
        )
        transformers.append(("categorical", encoder, CATEGORICAL_FEATURES))
    return ColumnTransformer(transformers, verbose_feature_names_out=False)
