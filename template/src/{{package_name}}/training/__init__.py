"""The training wing: data in, a checked and documented model out.

data -> features -> train -> evaluate -> model card, plus the reference
statistics that monitoring compares live traffic with. `make train` runs it.
"""
