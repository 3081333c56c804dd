"""Outbound work: the courier that sends what the outbox holds, and the messages it renders when it sends."""
