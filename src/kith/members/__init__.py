"""Members and their profiles: positions, education, skills, career stage."""
