"""Qt widgets of Оперштаб: main window, chart, tables, commands that need Qt."""
