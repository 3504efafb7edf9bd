"""jatac: multi-agency tasking for a community safety partnership, kept as YAML files in git."""

__version__ = "0.1.0"
