// The `adl` executable: everything lives in ADLTools.
import ADLTools
import Foundation

exit(Driver.main(Array(CommandLine.arguments.dropFirst())))
