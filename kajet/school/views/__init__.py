"""Pages of the school office (students, logins, staff) and the administrator (structure)."""
