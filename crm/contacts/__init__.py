"""Contacts: the shared press file of journalists, press officers and elected officials."""
