"""theodoi: follow Vietnam's digital-transformation plans from decision to report."""

__version__ = "0.1.0"
