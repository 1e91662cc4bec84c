"""Framework-free helpers: path confinement and safe archive handling."""
