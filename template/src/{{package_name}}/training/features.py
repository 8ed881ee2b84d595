"""Turn raw columns into numbers a model can use.

The preprocessing lives inside the scikit-learn Pipeline, so exactly the same
steps run in training and at prediction time (no "training/serving skew").
Which columns are numbers and which are categories comes from dataset.yaml.
"""

from __future__ import annotations

from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from ..spec import SPEC


def build_preprocessor() -> ColumnTransformer:
    """Scale numeric columns and one-hot encode categorical ones."""
    transformers = [("numeric", StandardScaler(), SPEC.numeric_features)]
    if SPEC.categorical_features:
        encoder = OneHotEncoder(
            # The categories listed in dataset.yaml, in that order: a category
            # unseen in training becomes all zeros instead of an error.
            categories=[list(SPEC.feature(name).categories) for name in SPEC.categorical_features],
            handle_unknown="ignore",
        )
        transformers.append(("categorical", encoder, SPEC.categorical_features))
    return ColumnTransformer(transformers, verbose_feature_names_out=False)
