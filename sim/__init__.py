"""Floor-plan simulator on a simulated clock."""
