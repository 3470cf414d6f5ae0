"""The covering letter to the national Panel that accompanies the rapid review report
(seed 001 appendix v)."""
