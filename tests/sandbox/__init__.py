"""Tests of the Slack sandbox: the fake Web API and the driver."""
