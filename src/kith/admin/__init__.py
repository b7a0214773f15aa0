"""Administration: members, applicants, restrictions, reports and the audit log."""
