// The file side of native fused chains (Sources/ADL/Arrays/Fusion/FusedJIT.swift
// writes the C source and decides when): find a compiled kernel in the cache
// directory or build it with the system C compiler, then dlopen it.
//
// Safety between processes: the source and the object are written under names
// unique to this process (pid and a counter) and the object is renamed to its
// final name only once the compiler has succeeded, so another process sees
// either no file or a whole one. A cached object that fails to load is rebuilt.
// The compiler runs through posix_spawnp (no fork of a big process), with its
// output sent to /dev/null unless verbose, and is killed after `timeout_ms`.
// Loaded objects are never closed: their kernels live as long as the process.
#define _GNU_SOURCE
#include "CSupport.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

// mkdir -p with mode 0700; 1 when the directory exists, is ours, and is writable by us only.
static int make_dirs(const char *path) {
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) return 0;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i < n; i++) {
        if (buf[i] != '/') continue;
        buf[i] = 0;
        if (mkdir(buf, 0700) != 0 && errno != EEXIST) return 0;
        buf[i] = '/';
    }
    if (mkdir(buf, 0700) != 0 && errno != EEXIST) return 0;
    // Objects are loaded into the process: only from a directory of our own that
    // nobody else can write to (a shared /tmp could hold someone else's).
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 022)) return 0;
    return access(buf, W_OK | X_OK) == 0;
}

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return 0;
    size_t left = strlen(text);
    const char *p = text;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR) continue;
            close(fd);
            return 0;
        }
        p += w;
        left -= (size_t)w;
    }
    return close(fd) == 0;
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

// Runs argv[0] (searched in PATH); 1 when it exits with status 0 within the timeout.
static int run_compiler(char *const *argv, int timeout_ms, int verbose) {
    posix_spawn_file_actions_t actions;
    if (posix_spawn_file_actions_init(&actions) != 0) return 0;
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (!verbose) {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    }
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return 0;
    double deadline = now_ms() + timeout_ms;
    int status = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) break;
        if (w < 0 && errno != EINTR) return 0;
        if (now_ms() > deadline) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
            if (verbose) fprintf(stderr, "adl jit: %s timed out after %d ms\n", argv[0], timeout_ms);
            return 0;
        }
        struct timespec pause = {0, 1000000};  // 1 ms
        nanosleep(&pause, NULL);
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static adl_jit_kernel open_kernel(const char *path, const char *symbol, int verbose) {
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        if (verbose) fprintf(stderr, "adl jit: %s\n", dlerror());
        return NULL;
    }
    void *f = dlsym(handle, symbol);
    if (!f && verbose) fprintf(stderr, "adl jit: no %s in %s\n", symbol, path);
    adl_jit_kernel k;
    memcpy(&k, &f, sizeof k);
    return k;
}

adl_jit_kernel adl_jit_load(const char *dir, const char *name, const char *source,
                            const char *const *argv, const char *symbol, int timeout_ms,
                            int verbose, int *compiled) {
    static unsigned counter = 0;
    *compiled = -1;
    if (!make_dirs(dir)) {
        *compiled = -2;
        if (verbose) fprintf(stderr, "adl jit: cache directory %s is not usable (not writable, or not ours alone)\n", dir);
        return NULL;
    }
    char so[4200], tmp_so[4300], tmp_c[4300];
    if (snprintf(so, sizeof so, "%s/%s.so", dir, name) >= (int)sizeof so) return NULL;
    if (access(so, R_OK) == 0) {
        adl_jit_kernel k = open_kernel(so, symbol, verbose);
        if (k) {
            *compiled = 0;
            return k;
        }
    }
    unsigned c = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
    snprintf(tmp_c, sizeof tmp_c, "%s/%s.%ld.%u.c", dir, name, (long)getpid(), c);
    snprintf(tmp_so, sizeof tmp_so, "%s/%s.%ld.%u.so.tmp", dir, name, (long)getpid(), c);
    if (!write_file(tmp_c, source)) {
        if (verbose) fprintf(stderr, "adl jit: cannot write %s\n", tmp_c);
        return NULL;
    }
    // The command with @SRC and @OUT replaced.
    size_t argc = 0;
    while (argv[argc]) argc++;
    char **args = calloc(argc + 1, sizeof *args);
    if (!args) {
        unlink(tmp_c);
        return NULL;
    }
    for (size_t i = 0; i < argc; i++) {
        const char *a = argv[i];
        args[i] = (char *)(strcmp(a, "@SRC") == 0 ? tmp_c : strcmp(a, "@OUT") == 0 ? tmp_so : a);
    }
    int ok = run_compiler(args, timeout_ms, verbose);
    free(args);
    unlink(tmp_c);
    if (!ok || rename(tmp_so, so) != 0) {
        unlink(tmp_so);
        if (verbose) fprintf(stderr, "adl jit: %s failed on %s\n", argv[0], name);
        return NULL;
    }
    adl_jit_kernel k = open_kernel(so, symbol, verbose);
    if (k) *compiled = 1;
    return k;
}
