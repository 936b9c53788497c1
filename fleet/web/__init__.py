"""Web pages for nursing stations and fleet operations."""
