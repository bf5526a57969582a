"""Alerts: building alerts from rule matches, cross-article suppression and aggregation, the wire schema."""
