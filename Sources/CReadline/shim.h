// GNU readline for the REPL (Debian: libreadline-dev to build, libreadline8 to run).
//
// Not linked: the REPL opens libreadline.so.8 with dlopen when it starts
// (ADLTools/ReadlineLibrary.swift), so that running a script does not load
// readline and libtinfo (about 0.4 ms of every start), and a machine without
// the library still gets a plain REPL. This header gives Swift readline's types
// and the types of the functions looked up; nothing here may be called directly
// (the link would fail, which is the point).
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

typedef char *(*adl_readline_t)(const char *);
typedef void (*adl_add_history_t)(const char *);
typedef int (*adl_read_history_t)(const char *);
typedef int (*adl_append_history_t)(int, const char *);
typedef int (*adl_history_truncate_file_t)(const char *, int);
typedef void (*adl_stifle_history_t)(int);
typedef HIST_ENTRY *(*adl_history_get_t)(int);
typedef void (*adl_rl_void_t)(void);
typedef int (*adl_rl_int_t)(void);
typedef void (*adl_rl_replace_line_t)(const char *, int);
typedef int (*adl_rl_string_t)(const char *);
typedef int (*adl_rl_complete_internal_t)(int);
// readline's own rl_*_func_t are function types, which Swift imports as Swift
// closures (two words); these pointer types import as C function pointers.
typedef int (*adl_rl_command_t)(int, int);
typedef int (*adl_rl_hook_t)(void);
typedef char *(*adl_rl_cpv_t)(void);
typedef char **(*adl_rl_completion_t)(const char *, int, int);
typedef int (*adl_rl_completion_mode_t)(adl_rl_command_t);
typedef int (*adl_rl_bind_key_t)(int, adl_rl_command_t);
