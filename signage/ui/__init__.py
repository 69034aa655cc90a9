"""Qt views. Nothing here fetches; everything draws a `signage.view.View`."""
