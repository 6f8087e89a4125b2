"""newstart: the platform a Local Immigration Partnership runs on."""
