"""Reviews commissioned (one case or a theme of several) and the actions they agreed."""
