"""Staff-room signage: a full-screen Qt kiosk for a Japanese school staff room."""

__version__ = "0.1.0"
