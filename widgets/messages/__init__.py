"""Message list, filters, operator actions, agencies, incidents."""
