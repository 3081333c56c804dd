"""The interfaces the core needs from the outside world, one module per aggregate.

`store` opens transactions whose attributes are the per-aggregate ports (`remisses`, `outbox`, `reminders`,
`directory`, `edge`); `users` is Slack's people. Import from the module that defines a name.
"""
