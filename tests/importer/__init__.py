"""Tests of the remiss document importer."""
