from clausec.cli import main

main()
