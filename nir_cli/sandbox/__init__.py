"""For learning and testing, never production: the sandbox (a registry on loopback and its
profile), the two-minute demo, and synthetic participants."""
