"""The fictional Vancouver demo directory (manage.py load_demo)."""
