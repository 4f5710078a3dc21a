from plateplug.cli import main

main()
