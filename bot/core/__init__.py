"""The core: the domain, the use cases and the ports they need. Standard library only."""
