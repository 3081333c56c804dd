"""The core's ports on SQL tables, one module per aggregate, sharing one session per transaction."""
