from learninspy.cli import main

raise SystemExit(main())
