"""Qt views. Nothing here fetches; everything draws a `signage.view.View`."""

from signage.ui.qt_imports import keep_no_sources

keep_no_sources()
