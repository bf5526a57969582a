"""The streaming worker: a Faust app that runs the pipeline on the articles topic."""
