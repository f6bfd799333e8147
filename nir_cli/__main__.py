from nir_cli.cli import main

main()
