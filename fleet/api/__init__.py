"""FastAPI routes and pydantic schemas."""
