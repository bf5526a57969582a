"""Kafka connection settings shared by the worker (Faust/aiokafka) and the CLI (kafka-python)."""

from streams.kafka.settings import KafkaSettings

__all__ = ["KafkaSettings"]
