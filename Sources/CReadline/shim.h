// GNU readline for the REPL (Debian: libreadline-dev). readline.h uses FILE
// without including <stdio.h> itself.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
