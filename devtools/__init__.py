"""Tools for development, tests and the demo: never imported by the product (but `remissbot demo`, lazily)."""
