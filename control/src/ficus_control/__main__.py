from ficus_control.cli import main

main()
