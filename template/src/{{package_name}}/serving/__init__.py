"""The serving wing: the prediction API that gunicorn runs (`make serve`).

It needs only the saved model and the shared modules one level up, never the
training or monitoring code, so the service starts fast and ships lean.
"""
