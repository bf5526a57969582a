"""newsalert: streaming news alerts on Kafka with Faust, spaCy and YAML rules."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsalert")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+src"
