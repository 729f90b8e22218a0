// Loops that call one of glibc's libmvec functions on consecutive vectors.
//
// libmvec's functions take and return their vectors in registers (the x86-64
// vector function ABI: xmm0/xmm1 for `_ZGVbN2v*`, ymm0/ymm1 for `_ZGVdN4v*`,
// zmm0/zmm1 for `_ZGVeN8v*`). A C compiler only passes a 256- or 512-bit
// vector in a register when the whole file is compiled for AVX, which the
// SSE2 code beside it must not be; so the calls are made here, from memory to
// memory, and C only passes pointers (see vmath.c).
//
//   void adl_mvec_unary_L(const void *fn, const double *x, double *out, long nvec)
//       out[v] = fn(x[v]) for each of the nvec vectors of x (2, 4 or 8 doubles);
//   void adl_mvec_binary_L(const void *fn, const double *a, long a_step,
//                          const double *b, long b_step, double *out, long nvec)
//       the same with two inputs; a_step and b_step are the bytes from one input
//       vector to the next (a vector's width to walk, 0 to repeat one vector).
//
// L is b (SSE2), d (AVX2) or e (AVX-512). The stack is 16-byte aligned at each
// call, as the ABI requires; rbx, rbp and r12-r15 hold the loop state across
// calls (callee-saved), every vector register is the callee's to clobber.

#define UNARY_LOOP(name, load, store, reg, width, zeroupper) \
    .globl name; .hidden name; .type name, @function; .p2align 4; \
name: \
    push %rbx; push %r12; push %r13; push %r14; sub $8, %rsp; \
    mov %rdi, %rbx; mov %rsi, %r12; mov %rdx, %r13; mov %rcx, %r14; \
    test %r14, %r14; jle 2f; \
1:  load (%r12), reg; call *%rbx; store reg, (%r13); \
    add $width, %r12; add $width, %r13; dec %r14; jnz 1b; \
2:  add $8, %rsp; pop %r14; pop %r13; pop %r12; pop %rbx; zeroupper; ret; \
    .size name, .-name

#define BINARY_LOOP(name, load, store, reg0, reg1, width, zeroupper) \
    .globl name; .hidden name; .type name, @function; .p2align 4; \
name: \
    push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15; sub $8, %rsp; \
    mov %rdi, %rbx; mov %rsi, %r12; mov %rdx, %r13; mov %rcx, %r14; mov %r8, %r15; \
    mov %r9, %rbp; mov 64(%rsp), %rax; mov %rax, (%rsp); \
    cmpq $0, (%rsp); jle 2f; \
1:  load (%r12), reg0; load (%r14), reg1; call *%rbx; store reg0, (%rbp); \
    add %r13, %r12; add %r15, %r14; add $width, %rbp; decq (%rsp); jnz 1b; \
2:  add $8, %rsp; pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx; zeroupper; ret; \
    .size name, .-name

    .text
UNARY_LOOP(adl_mvec_unary_b, movupd, movupd, %xmm0, 16, )
UNARY_LOOP(adl_mvec_unary_d, vmovupd, vmovupd, %ymm0, 32, vzeroupper)
UNARY_LOOP(adl_mvec_unary_e, vmovupd, vmovupd, %zmm0, 64, vzeroupper)
BINARY_LOOP(adl_mvec_binary_b, movupd, movupd, %xmm0, %xmm1, 16, )
BINARY_LOOP(adl_mvec_binary_d, vmovupd, vmovupd, %ymm0, %ymm1, 32, vzeroupper)
BINARY_LOOP(adl_mvec_binary_e, vmovupd, vmovupd, %zmm0, %zmm1, 64, vzeroupper)

    .section .note.GNU-stack, "", @progbits
