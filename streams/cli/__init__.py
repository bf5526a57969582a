"""The `newsalert` command line: one module per subcommand, loaded lazily by streams.cli.main."""
