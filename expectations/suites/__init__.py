"""One module per validated table (see ``expectations.runner`` for the module interface)."""
