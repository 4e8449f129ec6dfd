"""In-app notices (a returned report, new assignments, a changed deadline) and their e-mails."""
