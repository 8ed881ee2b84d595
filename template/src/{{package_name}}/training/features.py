"""Turn raw columns into numbers a model can use.

The preprocessing lives inside the scikit-learn Pipeline, so exactly the same
steps run in training and at prediction time (no "training/serving skew").
Which columns are numbers and which are categories comes from dataset.yaml.

Each kind of column goes through two steps:

- numbers: fill in a missing value with the column's median, then scale to
  mean 0 and standard deviation 1;
- categories: fill in a missing value with the most frequent category, then
  one-hot encode (one 0/1 column per category).

The fill-in values (*imputation*) are learned from the training rows only and
saved inside the model, so a request with a missing optional field gets the
same value training used. A column without missing values passes the
imputer unchanged.
"""

from __future__ import annotations

from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from ..spec import SPEC


def numeric_steps() -> Pipeline:
    """Missing number -> the median of the training rows; then standard scaling.

    The median, not the mean: one extreme value (a typo, a billionaire) moves
    the mean a lot and the median hardly at all.
    """
    return Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])


def categorical_steps() -> Pipeline:
    """Missing category -> the most frequent one; then one-hot encoding."""
    encoder = OneHotEncoder(
        # The categories listed in dataset.yaml, in that order: a category
        # unseen in training becomes all zeros instead of an error.
        categories=[list(SPEC.feature(name).categories) for name in SPEC.categorical_features],
        handle_unknown="ignore",
        # A plain table of 0s and 1s: gradient boosting does not take sparse matrices.
        sparse_output=False,
    )
    return Pipeline([("impute", SimpleImputer(strategy="most_frequent")), ("encode", encoder)])


def build_preprocessor() -> ColumnTransformer:
    """Numbers through `numeric_steps`, categories through `categorical_steps`."""
    transformers = [("numeric", numeric_steps(), SPEC.numeric_features)]
    if SPEC.categorical_features:
        transformers.append(("categorical", categorical_steps(), SPEC.categorical_features))
    return ColumnTransformer(transformers, verbose_feature_names_out=False)
