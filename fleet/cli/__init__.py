"""The porter command."""
