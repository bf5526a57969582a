"""The Faust worker: how an article becomes an alert, one module per step.

1. ``messages.py``          decode an article message (or refuse it, with a reason)
2. ``article_batches.py``   a batch of articles through the pipeline (``pipeline_process.py``:
                            in a child process), its matches out as ``match_envelope.py``
3. ``ordered_acks.py``      batches in flight: sent in order, acked once the broker has them
4. ``match_suppressor.py``  each match against the suppression state: new alert, update or nothing
5. ``state_expiry.py``      expired events leave the state
   ``dead_letters.py``      what is refused goes to the dead-letter topic (``failures.py``: counted)
   ``sending.py``           how every part sends; ``consumer.py``: the Kafka consumer's fixes
   ``runtime.py``           what the rule watcher and the health server ask of the worker
   ``app.py``               the Faust app: topics, tables, agents and timer, wiring the parts
"""
