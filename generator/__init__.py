"""mlops-portfolio: generate a working MLOps portfolio repository."""

__version__ = "0.1.0"

# Where the template's git history lives; releases are tagged `v<version>`.
# A project made by an installed wheel records this URL and tag, so
# `mlops-portfolio update` can merge newer template versions into it
# (`update --template URL-OR-PATH` points it anywhere else, e.g. a local clone).
TEMPLATE_URL = "https://github.com/mlops-portfolio/mlops-portfolio.git"
