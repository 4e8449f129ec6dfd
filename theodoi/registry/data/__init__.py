"""The registry's data files (a package so that setuptools ships them)."""
