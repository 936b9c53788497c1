"""Robot, lift and door ports implemented over the ROS bridge."""
