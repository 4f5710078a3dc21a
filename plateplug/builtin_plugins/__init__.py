"""Plugins that ship with plateplug, registered through entry points like external ones."""
