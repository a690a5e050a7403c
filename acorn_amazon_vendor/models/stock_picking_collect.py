"""Amazon-arranged freight (Collect): transport requests, Amazon's reference and carrier labels."""
