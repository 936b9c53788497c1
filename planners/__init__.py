"""Pure dispatch decisions: DispatchProblem -> Plan."""
