"""The monitoring wing: is live traffic still like the training data?

Reads the prediction log the service writes and the reference statistics
training saved, and reports drift (`make monitor`).
"""
