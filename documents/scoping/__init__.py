"""The scoping pack for one agency (seed 001 appendices ii and iii): the letter and the
initial scoping and information sharing form, section 1 filled in before it is sent and,
once the agency has returned it, its answers."""
