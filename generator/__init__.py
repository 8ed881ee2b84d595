"""mlops-portfolio: generate a working MLOps portfolio repository."""

__version__ = "0.1.0"
