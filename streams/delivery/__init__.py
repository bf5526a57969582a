"""Getting articles into Kafka and alerts out of it: publish, ingest feeds, subscribe, forward to webhooks.

Everything here uses kafka-python (synchronous); the Faust worker does not import this package
except ``routing``.
"""
