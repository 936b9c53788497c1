"""The asyncio service that runs the core on the real clock."""
