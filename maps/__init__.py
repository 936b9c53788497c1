"""The building model: levels, lanes, lifts, doors, places, zones; routes."""
