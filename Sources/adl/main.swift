// The `adl` executable: everything lives in ADLTools.
import ADLTools
import Glibc

exit(Driver.main(Array(CommandLine.arguments.dropFirst())))
