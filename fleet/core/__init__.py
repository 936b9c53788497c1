"""Jobs, robots, lifecycles, audit events and ports. Pure: no I/O, no clock."""
