"""The report of the rapid review for the national Panel (seed 001 appendix iv): the
statutory output of the fifteen working days, from the meeting, approvals and submission."""
