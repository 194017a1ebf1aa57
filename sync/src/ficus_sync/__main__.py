from ficus_sync.cli import main

main()
